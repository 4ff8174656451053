"""Direct uploads to S3: temporary credentials that let a client put objects
under one key prefix and nothing else (an STS role assumed with a session
policy), so that large files go to the bucket without crossing docgraph.
boto3 does the STS call: obstore, which serves the blobs, has no STS client.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from docgraph.settings import Settings

# What the client may do with the temporary credentials: put objects under
# its prefix (multipart uploads included).
_ACTIONS = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]


def _assume(settings: Settings, key_prefix: str) -> dict[str, Any]:
    import boto3

    sts = boto3.client(
        "sts",
        endpoint_url=settings.s3_endpoint,
        region_name=settings.s3_region or "us-east-1",
        aws_access_key_id=settings.s3_access_key_id,
        aws_secret_access_key=settings.s3_secret_access_key,
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": _ACTIONS,
                "Resource": f"arn:aws:s3:::{settings.s3_bucket}/{key_prefix}*",
            }
        ],
    }
    answer = sts.assume_role(
        RoleArn=settings.s3_role_arn,
        RoleSessionName="docgraph-direct-upload",
        Policy=orjson.dumps(policy).decode(),
        DurationSeconds=int(settings.s3_direct_upload_ttl),
    )
    found = answer["Credentials"]
    return {
        "awsSecretKeyId": found["AccessKeyId"],
        "awsSecretAccessKey": found["SecretAccessKey"],
        "awsSessionToken": found["SessionToken"],
        "expiration": int(found["Expiration"].timestamp() * 1000),
    }


async def credentials(settings: Settings, key_prefix: str) -> dict[str, Any]:
    """Credentials for putting objects under ``key_prefix`` (a full key in the bucket)."""
    return await asyncio.to_thread(_assume, settings, key_prefix)
