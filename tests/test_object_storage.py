"""Object storage on a real S3 server (SeaweedFS, tests/seaweedfs.py)."""

from __future__ import annotations

from seaweedfs import SeaweedFS


def test_the_test_server_stores_and_reads_ranges(seaweedfs: SeaweedFS) -> None:
    bucket = seaweedfs.make_bucket()
    s3 = seaweedfs.client()
    s3.put_object(Bucket=bucket, Key="ab/one.bin", Body=b"0123456789")
    part = s3.get_object(Bucket=bucket, Key="ab/one.bin", Range="bytes=2-4")
    assert part["Body"].read() == b"234"
    assert part["ContentRange"] == "bytes 2-4/10"
    seaweedfs.drop_bucket(bucket)
    assert bucket not in [entry["Name"] for entry in s3.list_buckets()["Buckets"]]
