"""Auth request and response bodies (the iOS app decodes register and login strictly)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, EmailStr, Field, field_validator

from app.auth.passwords import MAX_PASSWORD_LENGTH, password_policy_problems
from app.platform.http.schemas import RequestModel

MAX_EMAIL_LENGTH = 320
MAX_NAME_LENGTH = 255


def _checked_password(value: str) -> str:
    problems = password_policy_problems(value)
    if problems:
        raise ValueError("Password needs " + ", ".join(problems) + ".")
    return value


class RegisterRequest(RequestModel):
    email: EmailStr = Field(examples=["ada@example.com"])  # email-validator caps it at 254
    password: str = Field(
        min_length=1,
        max_length=MAX_PASSWORD_LENGTH,
        description="At least 8 characters with an upper-case letter, a lower-case letter and a "
        f"digit; at most {MAX_PASSWORD_LENGTH}.",
        examples=["SecurePassword123!"],
    )
    name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH, examples=["Ada Lovelace"])

    @field_validator("email", mode="after")
    @classmethod
    def _lower_case_email(cls, value: str) -> str:
        # Stored lower-cased (a CHECK constraint insists), which makes comparison case-insensitive.
        return value.lower()

    @field_validator("password", mode="after")
    @classmethod
    def _meets_policy(cls, value: str) -> str:
        return _checked_password(value)

    @field_validator("name", mode="after")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("Name must not be blank.")
        return value


class LogoutRequest(RequestModel):
    everywhere: bool = Field(
        default=False,
        strict=True,  # "false" or 0 would be a guess at what the caller meant
        description="End every session of the account, not only this one.",
    )


class PasswordChange(RequestModel):
    # Unbounded here as at login: an over-long current password is simply a wrong one (403).
    current_password: str = Field(min_length=1, examples=["Test123!"])
    new_password: str = Field(
        min_length=1,
        max_length=MAX_PASSWORD_LENGTH,
        description="At least 8 characters with an upper-case letter, a lower-case letter and a "
        f"digit; at most {MAX_PASSWORD_LENGTH}.",
        examples=["NewPassword456!"],
    )

    @field_validator("new_password", mode="after")
    @classmethod
    def _meets_policy(cls, value: str) -> str:
        return _checked_password(value)


class AccountDeletion(RequestModel):
    password: str = Field(min_length=1, description="The account's password, to confirm.")


class LoginRequest(RequestModel):
    email: str = Field(min_length=1, max_length=MAX_EMAIL_LENGTH, examples=["test@example.com"])
    # No upper bound here on purpose: an over-long password is simply a wrong password (401),
    # checked in the service without hashing megabytes. The body size limit caps it anyway.
    password: str = Field(min_length=1, examples=["Test123!"])


class UserPublic(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    created_at: datetime


class TokenPublic(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (the scheme name)
    expires_in: int = Field(description="Seconds until the token expires.")


class AuthPublic(TokenPublic):
    """Register (201) and login (200): the token and who it belongs to."""

    user: UserPublic


class AllowancePublic(BaseModel):
    used: int
    limit: int


class AIUsagePublic(BaseModel):
    """Today's AI requests against the daily allowances (UTC days)."""

    day: date = Field(description="The UTC day counted.")
    text_calls: AllowancePublic = Field(description="Guided-intake steps that called the AI.")
    images: AllowancePublic = Field(description="Pictures asked for.")
    resets_at: datetime = Field(description="When the next day's allowance starts (UTC).")


class MePublic(UserPublic):
    entry_count: int
    visualization_count: int
    ai_usage: AIUsagePublic
