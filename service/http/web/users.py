"""用户管理 pages: the account list with filters, the create and edit forms (roles and their
jurisdictions picked by name), password reset (a one-time password shown once, or a typed one),
deactivation with confirmation, reactivation. Admins and the Organization Department; what each
may manage is the commands' and queries.access's to say."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from service.commands.users_admin import (
    NewUser,
    create_user,
    deactivate_user,
    reactivate_user,
    set_user_password,
    update_user,
)
from service.core.errors import ApiError, Conflict, NotFound, ValidationFailed
from service.core.labels import ROLE_NAMES, SCOPE_KIND_NAMES
from service.core.passwords import PASSWORD_MIN, generate_password
from service.core.principal import SCOPE_KIND_BY_ROLE
from service.http.pagination import paginate
from service.http.web import bp
from service.http.web.forms import field_errors
from service.http.web.paging import PER_PAGE, page_arg, page_count
from service.http.web.session import SESSION_ID_KEY, require_principal, roles_required
from service.persistence.models import User
from service.queries.access import manageable_roles
from service.queries.users import UserFilter, scope_choices, user_items, users_statement, visible_user

MANAGERS = ("admin", "org_dept")
SOURCE = "page"
# Role rows the form offers beyond the account's current roles.
SPARE_ROLE_ROWS = 2
FORM_FIELDS = {"login", "display_name", "password", "roles", "confirm"}
ACTIVE_FILTER = {"": None, "1": True, "0": False}


def _role_options() -> list[tuple[str, str]]:
    allowed = manageable_roles(require_principal())
    return [(role, ROLE_NAMES[role]) for role in ROLE_NAMES if role in allowed]


@bp.get("/users")
@roles_required(*MANAGERS)
def users_list() -> str:
    args = request.args
    role = args.get("role", "") if args.get("role", "") in SCOPE_KIND_BY_ROLE else ""
    active = args.get("active", "1") if args.get("active", "1") in ACTIVE_FILTER else "1"
    wanted = UserFilter(role=role or None, scope_id=args.get("scope", "").strip()[:64] or None,
                        active=ACTIVE_FILTER[active], text=args.get("q", "").strip()[:100] or None)
    page = paginate(users_statement(require_principal(), wanted), page_arg(), PER_PAGE)
    return render_template("web/users_list.html", items=user_items(page["items"]), total=page["total"],
                           page=page["page"], pages=page_count(page["total"]), roles=_role_options(),
                           choices=scope_choices(), kinds=SCOPE_KIND_NAMES,
                           filters={"role": role, "scope": wanted.scope_id or "", "active": active,
                                    "q": wanted.text or ""})


def _role_rows(form: MultiDict[str, str]) -> tuple[list[dict[str, Any]], list[int]]:
    """The posted role rows ({role, scope_id}) that name a role, with their row numbers."""
    rows, numbers = [], []
    posted = sorted(int(k[5:]) for k in form if k.startswith("role_") and k[5:].isdigit() and len(k) < 9)
    for number in posted:
        key = f"role_{number}"
        if not form.get(key):
            continue
        rows.append({"role": form.get(key), "scope_id": form.get(f"scope_{number}", "")})
        numbers.append(int(number))
    return rows, numbers


def _row_errors(errors: dict[str, list[str]], numbers: list[int]) -> dict[str, list[str]]:
    """The command's `roles[i]...` errors onto the form row they came from (`row_<n>`)."""
    out: dict[str, list[str]] = {}
    rest: dict[str, list[str]] = {}
    for name, messages in errors.items():
        if name.startswith("roles[") and "]" in name:
            index = name[6:name.index("]")]
            if index.isdigit() and int(index) < len(numbers):
                out.setdefault(f"row_{numbers[int(index)]}", []).extend(messages)
                continue
        rest[name] = messages
    return {**field_errors(rest, FORM_FIELDS), **out}


def _errors_of(err: ApiError, numbers: list[int]) -> dict[str, list[str]]:
    return _row_errors(err.errors or {"_form": [err.detail]}, numbers)


def _form_rows(roles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [*({"role": r["role"], "scope_id": r.get("scope_id") or ""} for r in roles),
            *({"role": "", "scope_id": ""} for _ in range(SPARE_ROLE_ROWS))]


def _render_form(user: dict[str, Any] | None, values: dict[str, Any], rows: list[dict[str, Any]],
                 errors: dict[str, list[str]], status: int = 200) -> tuple[str, int]:
    return render_template("web/user_form.html", user=user, values=values, rows=rows, errors=errors,
                           roles=_role_options(), choices=scope_choices(), kinds=SCOPE_KIND_NAMES,
                           scope_kind_by_role=SCOPE_KIND_BY_ROLE, password_min=PASSWORD_MIN), status


@bp.get("/users/new")
@roles_required(*MANAGERS)
def user_new() -> tuple[str, int]:
    return _render_form(None, {"password_mode": "generate"}, _form_rows([]), {})


@bp.post("/users/new")
@roles_required(*MANAGERS)
def user_create() -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    form = request.form
    values = {"login": form.get("login", "").strip(), "display_name": form.get("display_name", ""),
              "password_mode": "typed" if form.get("password_mode") == "typed" else "generate"}
    roles, numbers = _role_rows(form)
    typed = form.get("password", "")
    generated = generate_password() if values["password_mode"] == "generate" else None
    new = NewUser(values["login"], values["display_name"], roles, generated or typed)
    try:
        user = create_user(require_principal(), new, SOURCE)
    except (ValidationFailed, Conflict) as err:
        return _render_form(None, values, _form_rows(roles), _errors_of(err, numbers), err.status)
    return _password_shown(user, generated, "created")


def _password_shown(user: User, generated: str | None, what: str) -> tuple[str, int, dict[str, str]]:
    """The page that shows a one-time password once: never cached, never in a flash message (the
    session cookie would carry it)."""
    return (render_template("web/user_password_set.html", user=user_items([user])[0], password=generated,
                            what=what), 200, {"Cache-Control": "no-store"})


def _managed(login: str) -> User:
    user = visible_user(require_principal(), login)
    if user is None:
        raise NotFound(f"用户 {login} 不存在。")
    return user


@bp.get("/users/<string:login>")
@roles_required(*MANAGERS)
def user_edit(login: str) -> tuple[str, int]:
    user = user_items([_managed(login)])[0]
    return _render_form(user, {"display_name": user["display_name"], "password_mode": "generate"},
                        _form_rows(user["roles"]), {})


@bp.post("/users/<string:login>")
@roles_required(*MANAGERS)
def user_update(login: str) -> Response | tuple[str, int]:
    user = user_items([_managed(login)])[0]
    roles, numbers = _role_rows(request.form)
    values = {"display_name": request.form.get("display_name", ""), "password_mode": "generate"}
    try:
        update_user(require_principal(), login, display_name=values["display_name"], roles=roles,
                    source=SOURCE)
    except (ValidationFailed, Conflict) as err:
        return _render_form(user, values, _form_rows(roles), _errors_of(err, numbers), err.status)
    flash(f"已保存用户 {login} 的姓名和角色。", "ok")
    return redirect(url_for("web.user_edit", login=login))


@bp.post("/users/<string:login>/password")
@roles_required(*MANAGERS)
def user_password(login: str) -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    user = user_items([_managed(login)])[0]
    typed_mode = request.form.get("password_mode") == "typed"
    generated = None if typed_mode else generate_password()
    own = session.get(SESSION_ID_KEY)
    try:
        result = set_user_password(require_principal(), login, generated or request.form.get("password", ""),
                                   source=SOURCE, keep_session_id=own if isinstance(own, str) else None)
    except ValidationFailed as err:
        return _render_form(user, {"display_name": user["display_name"], "password_mode": "typed"},
                            _form_rows(user["roles"]), field_errors(err.errors, FORM_FIELDS), err.status)
    return _password_shown(result.user, generated, "reset")


def _confirmed_or_form(login: str) -> tuple[str, int] | None:
    if request.form.get("confirm") == "on":
        return None
    user = user_items([_managed(login)])[0]
    errors = {"confirm": ["请勾选确认：停用后该用户立即不能登录。"]}
    return _render_form(user, {"display_name": user["display_name"], "password_mode": "generate"},
                        _form_rows(user["roles"]), errors, 422)


@bp.post("/users/<string:login>/deactivate")
@roles_required(*MANAGERS)
def user_deactivate(login: str) -> Response | tuple[str, int]:
    refused = _confirmed_or_form(login)
    if refused is not None:
        return refused
    try:
        result = deactivate_user(require_principal(), login, source=SOURCE)
    except Conflict as err:
        flash(err.detail, "error")
    else:
        count = len(result.released_tasks)
        released = f"，其 {count} 项已认领的待办已退回待认领" if count else ""
        flash(f"已停用用户 {login}{released}。", "ok")
    return redirect(url_for("web.user_edit", login=login))


@bp.post("/users/<string:login>/reactivate")
@roles_required(*MANAGERS)
def user_reactivate(login: str) -> Response:
    try:
        reactivate_user(require_principal(), login, source=SOURCE)
    except ApiError as err:
        if err.status == 404:
            raise
        flash(err.detail, "error")
    else:
        flash(f"已重新启用用户 {login}。如需使用接口，请另行签发访问令牌。", "ok")
    return redirect(url_for("web.user_edit", login=login))
