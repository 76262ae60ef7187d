"""The password policy of web logins, and one-time passwords an administrator hands over.

The policy is a floor that a person can meet without a manager (NIST SP 800-63B: length matters,
composition rules barely do): at least PASSWORD_MIN characters, not the login itself, and not one
character repeated. A cap keeps a hash check from being fed megabytes.
"""

from __future__ import annotations

import secrets

from service.core.errors import ValidationFailed

PASSWORD_MIN = 10
PASSWORD_MAX = 128
# Without look-alikes (0/O, 1/l/I): the password is read off a screen and typed in elsewhere.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 14


def password_problems(login: str, password: str) -> list[str]:
    """What is wrong with `password` for `login`, in Chinese (empty: acceptable)."""
    problems = []
    if len(password) < PASSWORD_MIN:
        problems.append(f"密码至少 {PASSWORD_MIN} 个字符，现为 {len(password)} 个。")
    if len(password) > PASSWORD_MAX:
        problems.append(f"密码最多 {PASSWORD_MAX} 个字符，现为 {len(password)} 个。")
    if password and password.casefold() == login.casefold():
        problems.append("密码不能与登录名相同。")
    elif password and len(set(password)) == 1:
        problems.append("密码不能由同一个字符重复组成。")
    if any(ch < " " or ch == "\x7f" for ch in password):
        problems.append("密码不能包含控制字符。")
    return problems


def check_password_policy(login: str, password: str, field: str = "password") -> None:
    problems = password_problems(login, password)
    if problems:
        raise ValidationFailed(problems[0], errors={field: problems})


def generate_password() -> str:
    """A random one-time password that meets the policy (about 80 bits)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(GENERATED_LENGTH))
