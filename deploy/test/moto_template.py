"""Prints deploy/move-api.yaml as JSON for moto's CloudFormation, without what moto cannot create.

moto's CloudFormation creates the cluster, task definition, service, roles, log group, security
groups, load balancer, listeners and target groups of the real template, but not every resource
type: those it lacks (autoscaling, bucket policy) are left out here, and so is the nested alarms
stack (moto has no CloudWatch::Alarm in CloudFormation) with the one property that reads its output,
the service's deployment alarms. What is left out is printed on stderr; a reference that would
still point at a left-out resource fails loudly instead of being guessed at.

usage: python moto_template.py deploy/move-api.yaml > target/move-api.moto.json
"""
import json
import sys

from cfnlint.decode import decode
from moto.cloudformation.parsing import resource_class_from_type

# Not created in moto because what it needs is missing there, not because moto lacks the type.
LEFT_OUT = {"Alarms": "nested stack of CloudWatch alarms, which moto's CloudFormation cannot create"}


def references(value):
    """Logical ids a value refers to through Ref, Fn::GetAtt or Fn::Sub."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and isinstance(item, str):
                yield item
            elif key == "Fn::GetAtt":
                yield item[0] if isinstance(item, list) else item.split(".")[0]
            elif key == "Fn::Sub":
                text = item if isinstance(item, str) else item[0]
                for part in text.split("${")[1:]:
                    yield part.split("}")[0].split(".")[0]
                if isinstance(item, list):
                    yield from references(item[1])
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def main(path):
    template, matches = decode(path)
    if matches:
        sys.exit(f"cannot read {path}: {matches}")
    resources = template["Resources"]
    left_out = dict(LEFT_OUT)
    for logical_id, resource in resources.items():
        if resource_class_from_type(resource["Type"]) is None:
            left_out[logical_id] = f"{resource['Type']} is not in moto's CloudFormation"
    for logical_id in left_out:
        del resources[logical_id]
    del resources["Service"]["Properties"]["DeploymentConfiguration"]["Alarms"]
    for resource in resources.values():
        depends_on = resource.get("DependsOn")
        if depends_on is not None:
            kept = [d for d in (depends_on if isinstance(depends_on, list) else [depends_on]) if d not in left_out]
            if kept:
                resource["DependsOn"] = kept
            else:
                del resource["DependsOn"]
    template["Outputs"] = {k: v for k, v in template.get("Outputs", {}).items()
                           if not set(references(v["Value"])) & set(left_out)}
    dangling = {(logical_id, ref) for logical_id, resource in resources.items()
                for ref in references(resource.get("Properties", {})) if ref in left_out}
    if dangling:
        sys.exit(f"references to left-out resources remain: {sorted(dangling)}")
    for logical_id, why in left_out.items():
        print(f"moto_template: left out {logical_id}: {why}", file=sys.stderr)
    json.dump(template, sys.stdout, indent=1, default=str)


if __name__ == "__main__":
    main(sys.argv[1])
