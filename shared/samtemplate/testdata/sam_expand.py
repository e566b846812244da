"""Expands a SAM template into the CloudFormation template AWS's SAM translator makes of it.

Used by the template tests (shared/samtemplate guardrails_test.go) so that they assert on what
CloudFormation would deploy: Globals merged into every function, the generated roles, stage,
rules and permissions. The translator is the one cfn-lint ships (package samtranslator).
CodeUri is replaced by an S3 location, as `sam build` would, because the translator refuses a
local path. Prints the template as JSON on stdout.
"""
import json
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    """The translator asks for AWS managed policy ARNs only to resolve names; none are used."""

    def load(self):
        return {}


def main(path):
    with open(path) as f:
        tpl = yaml_parse(f.read())
    for res in tpl.get("Resources", {}).values():
        if res.get("Type") == "AWS::Serverless::Function":
            res.setdefault("Properties", {})["CodeUri"] = "s3://bucket/key"
    json.dump(transform(tpl, {}, NoManagedPolicies()), sys.stdout, indent=1, sort_keys=True, default=str)


if __name__ == "__main__":
    main(sys.argv[1])
