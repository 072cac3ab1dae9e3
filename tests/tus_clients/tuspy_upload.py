"""Uploads one file to a tus server with tuspy (PyPI), as an independent client would.

Usage: python tuspy_upload.py ENDPOINT TOKEN FILE URL_STORE CHUNK_SIZE METADATA_JSON [--bad-checksum]
The upload's URL is kept in URL_STORE (tuspy's file storage), so running it again resumes the
same upload. Prints the offset after each chunk the server confirmed, then "done URL"; with
--bad-checksum every chunk carries a wrong sha1 Upload-Checksum.
"""

from __future__ import annotations

import hashlib
import json
import sys

from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError, TusUploadFailed
from tusclient.storage.filestorage import FileStorage
from tusclient.uploader import Uploader


class WrongChecksums(Uploader):
    CHECKSUM_ALGORITHM_PAIR = ("sha1", lambda data: hashlib.sha1(data + b"not the chunk"))


def main() -> int:
    endpoint, token, path, store, chunk_size, fields = sys.argv[1:7]
    bad = "--bad-checksum" in sys.argv[7:]
    client = TusClient(endpoint, headers={"Authorization": f"Bearer {token}"})
    uploader = (WrongChecksums if bad else Uploader)(
        path,
        client=client,
        chunk_size=int(chunk_size),
        metadata=json.loads(fields),
        store_url=True,
        url_storage=FileStorage(store),
        upload_checksum=True,
    )
    try:
        size = uploader.get_file_size()
        if not uploader.url:
            uploader.set_url(uploader.create_url())
            uploader.offset = 0
        while uploader.offset < size:
            uploader.upload_chunk()
            print(uploader.offset, flush=True)
    except (TusUploadFailed, TusCommunicationError) as error:
        print(f"failed {error.status_code}", flush=True)
        return 1
    print(f"done {uploader.url}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
