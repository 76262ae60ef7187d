"""/ , /login and /logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.commands.logins import check_login
from service.core.errors import TooManyRequests
from service.core.principal import Principal
from service.http.web import bp
from service.http.web.session import current_principal, sign_in, sign_out


def _safe_next(target: str | None) -> str | None:
    r"""Only a path of this site. Browsers drop tabs and line breaks from a URL and read a
    backslash as a slash, so "/\t/evil.example" or "/\\evil.example" would leave the site:
    those characters go first, then anything with a scheme or a host is refused."""
    cleaned = "".join(ch for ch in target or "" if ch >= " " and ch != "\x7f").replace("\\", "/")
    parts = urlsplit(cleaned)
    if cleaned.startswith("/") and not cleaned.startswith("//") and not parts.scheme and not parts.netloc:
        return cleaned
    return None


# Where each role starts (the first role a user holds in this order wins): unit HR on 我的申请 with
# its 提出申请 button, auditors on 审计查询, administrators on the roster; the approving bodies and
# cadres on their 待办.
LANDING = (("unit_hr", "web.my_requests"), ("auditor", "web.audit_search"), ("admin", "web.roster_home"))


def landing_page(principal: Principal) -> str:
    for role, endpoint in LANDING:
        if principal.has_role(role):
            return url_for(endpoint)
    return url_for("web.inbox")


@bp.get("/")
def home() -> Response:
    principal = current_principal()
    return redirect(landing_page(principal) if principal else url_for("web.login"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int] | tuple[str, int, dict[str, str]]:
    next_url = request.values.get("next", "")
    if request.method == "GET":
        return render_template("web/login.html", next=next_url, login="", error=None)
    login_name = request.form.get("login", "").strip()
    try:
        # remote_addr is the peer, or with CADREFLOW_TRUSTED_PROXIES the address the proxies report.
        user = check_login(login_name, request.form.get("password", ""), request.remote_addr)
    except TooManyRequests as refused:
        return (render_template("web/login.html", next=next_url, login=login_name, error=refused.detail),
                429, {"Retry-After": str(refused.retry_after)})
    if user is None:
        return render_template("web/login.html", next=next_url, login=login_name,
                               error="用户名或密码错误。"), 401
    sign_in(user)
    return redirect(_safe_next(next_url) or landing_page(Principal.from_user(user)))


@bp.post("/logout")
def logout() -> Response:
    sign_out()
    return redirect(url_for("web.login"))
