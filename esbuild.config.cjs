// The one set of esbuild options for the function bundles: serverless-esbuild reads it
// (custom.esbuild.config in serverless.yml) and so does `npm run bench`, which measures them.
const { readFile } = require('node:fs/promises');

/**
 * The SDK's schema modules (one per client, @aws-sdk/client-ec2's alone 1.3 MB of source)
 * key some shapes' traits with computed names, `{[_xN]: _mi}`, where `_xN` is a module
 * constant. esbuild cannot prove a computed key free of side effects, so it keeps every
 * shape of the service: 545 KB of EC2 schemas in each EC2 bundle. Replacing the constant by
 * its string literal changes no value and lets esbuild drop the shapes no command uses.
 */
const foldSchemaKeys = {
  name: 'fold-sdk-schema-keys',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]@aws-sdk[\\/].+[\\/]schemas[\\/]schemas_\d+\.js$/ },
      async (args) => {
        const source = await readFile(args.path, 'utf8');
        const constants = new Map();
        for (const m of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) {
          constants.set(m[1], m[2]);
        }
        const contents = source.replace(/\[(_\w+)\]:/g, (all, name) =>
          constants.has(name) ? `${constants.get(name)}:` : all,
        );
        return { contents, loader: 'js' };
      },
    );
  },
};

const buildOptions = {
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'esm',
  outputFileExtension: '.mjs',
  platform: 'node',
  target: 'node22',
  mainFields: ['module', 'main'],
  // Bundle the AWS SDK: the pinned client versions are the ones tested.
  exclude: [],
  // Bundled CommonJS (the X-Ray SDK) calls require(); ESM has none.
  banner: {
    js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  },
  plugins: [foldSchemaKeys],
};

module.exports = () => buildOptions;
module.exports.buildOptions = buildOptions;
