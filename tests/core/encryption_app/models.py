from django.db import models

from lindungi.core.blind_index import Searchable
from lindungi.core.fields import NAME, NIK, PHONE, EncryptedCharField, EncryptedTextField
from lindungi.core.models import BaseModel


class Person(Searchable, BaseModel):
    name = EncryptedCharField(max_length=200, search=NAME)
    alias = EncryptedCharField(max_length=200, blank=True, search=NAME)
    nik = EncryptedCharField(max_length=16, null=True, blank=True, search=NIK)
    phone = EncryptedCharField(max_length=32, blank=True, search=PHONE)
    address = EncryptedTextField(blank=True)
    version = models.PositiveIntegerField(default=1)


class PlainPerson(BaseModel):
    """The same columns unencrypted: the baseline for bench/encryption.py."""

    name = models.CharField(max_length=200)
    alias = models.CharField(max_length=200, blank=True)
    nik = models.CharField(max_length=16, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    address = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)


class UnindexedPerson(BaseModel):
    """Encrypted like Person but with no search: bench/encryption.py separates the costs."""

    name = EncryptedCharField(max_length=200)
    alias = EncryptedCharField(max_length=200, blank=True)
    nik = EncryptedCharField(max_length=16, null=True, blank=True)
    phone = EncryptedCharField(max_length=32, blank=True)
    address = EncryptedTextField(blank=True)
    version = models.PositiveIntegerField(default=1)
