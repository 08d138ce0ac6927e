"""Files for the supporting-document tests, by their bytes, and a storage of their own."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

# The smallest files of each kind the portal keeps, by their magic numbers (ISO 32000-1
# 7.5.2 "%PDF-"; PNG signature, ISO/IEC 15948 5.2; JPEG SOI + APP0 JFIF, ITU T.81).
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    """Every test stores its files in a directory of its own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """A file as a browser would send it: ``content_type`` is the browser's word only."""
    return SimpleUploadedFile(name, content, content_type=content_type)
