"""Deploys a packaged netledger stack into moto's CloudFormation, as osls deploy would.

Usage: python3 deploy-to-moto.py PACKAGE_DIR STACK_NAME

Creates the stack from cloudformation-template-create-stack.json, uploads every zip to the
deployment bucket under the S3 keys the update template names, updates the stack with
cloudformation-template-update-stack.json, then prints one JSON document describing what
came up (tables, topics, queues, rules, functions, roles) for the test to check.
Runs moto in-process (mock_aws): no server, nothing left behind when the process ends.
"""

import json
import os
import sys

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
REGION = "eu-west-1"

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402


def client(name):
    return boto3.client(name, region_name=REGION)


def zip_keys(template):
    keys = {}
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Lambda::Function":
            key = resource["Properties"]["Code"]["S3Key"]
            keys[key.rsplit("/", 1)[-1]] = key
    return keys


def stack_status(cfn, name):
    return cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]


def describe(stack):
    cfn = client("cloudformation")
    resources = cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    ddb = client("dynamodb")
    tables = {}
    for name in ddb.list_tables()["TableNames"]:
        t = ddb.describe_table(TableName=name)["Table"]
        tables[name] = {
            "keys": [k["AttributeName"] for k in t["KeySchema"]],
            "indexes": sorted(i["IndexName"] for i in t.get("GlobalSecondaryIndexes", [])),
        }
    events = client("events")
    rules = {}
    for r in events.list_rules()["Rules"]:
        targets = events.list_targets_by_rule(Rule=r["Name"])["Targets"]
        rules[r["Name"]] = {
            "pattern": json.loads(r["EventPattern"]) if r.get("EventPattern") else None,
            "schedule": r.get("ScheduleExpression"),
            "targets": [t["Arn"] for t in targets],
        }
    lam = client("lambda")
    functions = {
        f["FunctionName"]: {
            "handler": f["Handler"],
            "runtime": f["Runtime"],
            "role": f["Role"],
            "arn": f["FunctionArn"],
        }
        for f in lam.list_functions()["Functions"]
    }
    iam = client("iam")
    roles = {}
    for role in iam.list_roles()["Roles"]:
        names = iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]
        roles[role["Arn"]] = {
            n: iam.get_role_policy(RoleName=role["RoleName"], PolicyName=n)["PolicyDocument"]
            for n in names
        }
    return {
        "status": stack_status(cfn, stack),
        "resources": {r["LogicalResourceId"]: r["ResourceType"] for r in resources},
        "tables": tables,
        "topics": [t["TopicArn"] for t in client("sns").list_topics()["Topics"]],
        "queues": client("sqs").list_queues().get("QueueUrls", []),
        "rules": rules,
        "functions": functions,
        "roles": roles,
    }


def main():
    package_dir, stack = sys.argv[1], sys.argv[2]
    with open(os.path.join(package_dir, "cloudformation-template-create-stack.json")) as f:
        create = f.read()
    with open(os.path.join(package_dir, "cloudformation-template-update-stack.json")) as f:
        update = f.read()
    caps = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
    with mock_aws():
        cfn = client("cloudformation")
        cfn.create_stack(StackName=stack, TemplateBody=create, Capabilities=caps)
        created = stack_status(cfn, stack)
        bucket = cfn.describe_stack_resource(
            StackName=stack, LogicalResourceId="ServerlessDeploymentBucket"
        )["StackResourceDetail"]["PhysicalResourceId"]
        s3 = client("s3")
        for zip_name, key in zip_keys(json.loads(update)).items():
            with open(os.path.join(package_dir, zip_name), "rb") as f:
                s3.put_object(Bucket=bucket, Key=key, Body=f.read())
        cfn.update_stack(StackName=stack, TemplateBody=update, Capabilities=caps)
        result = describe(stack)
        result["created"] = created
        print(json.dumps(result))


main()
