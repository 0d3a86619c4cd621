"""A cap on the size of uploads: Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) leaves
file uploads out, and would let any signed-in user fill the disk with one request."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class SizeLimitUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: a multipart body over DATA_UPLOAD_MAX_MEMORY_SIZE is
    refused (400) before any of it is kept in memory or on disk."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise RequestDataTooBig("Upload larger than DATA_UPLOAD_MAX_MEMORY_SIZE.")

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise RequestDataTooBig("Upload larger than DATA_UPLOAD_MAX_MEMORY_SIZE.")
        return raw_data  # handed on to the usual handlers

    def file_complete(self, file_size):
        return None
