"""`multipart/form-data` bodies (a form with a file input), read with the
standard library's MIME parser: text fields like a urlencoded form's, files
as bytes exactly as sent (a bank's Latin-1 export stays Latin-1)."""

from __future__ import annotations

from typing import NamedTuple

from chalicelib.errors import N_, ValidationFailed


class Upload(NamedTuple):
    filename: str
    content: bytes


def is_multipart(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "multipart/form-data"


def parse(raw: bytes, content_type: str) -> tuple[dict[str, list[str]],
                                                  dict[str, Upload]]:
    """(fields, files) of a multipart body; ValidationFailed when it is not one."""
    from email import policy
    from email.parser import BytesParser

    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + raw)
    unreadable = ValidationFailed(message=N_("The form could not be read."))
    if not message.is_multipart():
        raise unreadable
    fields: dict[str, list[str]] = {}
    files: dict[str, Upload] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        content = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            if filename or content:  # an empty file input sends an empty part
                files[name] = Upload(str(filename), bytes(content))
            continue
        try:
            fields.setdefault(name, []).append(bytes(content).decode("utf-8"))
        except UnicodeDecodeError:
            raise unreadable from None
    return fields, files
