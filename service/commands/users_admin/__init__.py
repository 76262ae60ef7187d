"""User administration: accounts, their roles and jurisdictions, passwords, deactivation."""

from service.commands.users_admin.commands import (
    Deactivated,
    NewUser,
    PasswordSet,
    create_user,
    deactivate_user,
    reactivate_user,
    set_user_password,
    update_user,
)

__all__ = [
    "Deactivated",
    "NewUser",
    "PasswordSet",
    "create_user",
    "deactivate_user",
    "reactivate_user",
    "set_user_password",
    "update_user",
]
