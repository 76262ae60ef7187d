"""用户管理 pages: list and filters, create with roles picked by name, the one-time password shown
once, edit, reset, deactivate with confirmation, reactivate; who may open them."""

from __future__ import annotations

import re

from user_admin_helpers import csrf_of, page_login, user_log

OTP = re.compile(r'id="one-time-password">([^<]+)<')


def signed_in(app, login):
    browser = app.test_client()
    assert page_login(browser, login).status_code == 302
    return browser


def post(browser, path, data, page="/users/new"):
    return browser.post(path, data={"csrf_token": csrf_of(browser, page), **data})


def test_the_list_shows_names_and_filters(app):
    browser = signed_in(app, "admin")
    page = browser.get("/users").get_data(as_text=True)
    assert "用户管理" in page and 'id="users"' in page
    assert "县教育局" in page and "派出单位（人事部门）" in page and "青山镇" in page
    townships = browser.get("/users?role=township").get_data(as_text=True)
    assert "tw_qingshan" in townships and "hr_edu" not in townships
    by_scope = browser.get("/users?scope=unit-edu").get_data(as_text=True)
    assert "hr_edu" in by_scope and "hr_power" not in by_scope
    assert "tw_baishui" in browser.get("/users?q=白水").get_data(as_text=True)
    assert 'href="/users"' in browser.get("/inbox").get_data(as_text=True)  # the menu entry


def test_other_roles_do_not_get_the_pages(app):
    browser = signed_in(app, "hr_edu")
    assert browser.get("/users").status_code == 403
    assert browser.get("/users/new").status_code == 403
    assert 'href="/users"' not in browser.get("/inbox").get_data(as_text=True)
    assert app.test_client().get("/users").status_code == 302  # to the login page


def test_create_shows_the_one_time_password_once_and_it_signs_in(app):
    browser = signed_in(app, "admin")
    form = browser.get("/users/new").get_data(as_text=True)
    assert "XX县教育局" in form and "张伟" in form and "全县" in form  # scopes by name
    response = post(browser, "/users/new", {"login": "page_user", "display_name": "页面 新用户",
                                            "role_0": "unit_hr", "scope_0": "unit-edu",
                                            "role_1": "cadre", "scope_1": "c-zhangwei",
                                            "password_mode": "generate"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = OTP.search(response.get_data(as_text=True)).group(1)
    assert page_login(app.test_client(), "page_user", password).status_code == 302
    edit = browser.get("/users/page_user").get_data(as_text=True)
    assert password not in edit
    assert user_log(app, "page_user")[0]["source"] == "page"


def test_form_errors_are_shown_on_their_row(app):
    browser = signed_in(app, "admin")
    response = post(browser, "/users/new", {"login": "Bad Login", "display_name": "",
                                            "role_0": "", "role_1": "unit_hr", "scope_1": "tw-qingshan",
                                            "password_mode": "typed", "password": "short"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-error-for="login"' in page and 'data-error-for="display_name"' in page
    assert 'data-error-for="row_1"' in page and "不是派出单位" in page
    assert 'data-error-for="password"' in page
    taken = post(browser, "/users/new", {"login": "hr_edu", "display_name": "重复", "role_0": "rrb",
                                         "scope_0": "county", "password_mode": "generate"})
    assert taken.status_code == 409 and "已被使用" in taken.get_data(as_text=True)


def test_edit_reset_deactivate_and_reactivate(app):
    browser = signed_in(app, "admin")
    post(browser, "/users/new", {"login": "edit_me", "display_name": "待修改", "role_0": "township",
                                 "scope_0": "tw-qingshan", "password_mode": "typed",
                                 "password": "first-password"})
    victim = app.test_client()
    assert page_login(victim, "edit_me", "first-password").status_code == 302

    saved = post(browser, "/users/edit_me", {"display_name": "已修改", "role_0": "township",
                                             "scope_0": "tw-baishui"}, page="/users/edit_me")
    assert saved.status_code == 302
    edit = browser.get("/users/edit_me").get_data(as_text=True)
    assert "已修改" in edit and "已保存用户 edit_me" in edit

    reset = post(browser, "/users/edit_me/password", {"password_mode": "generate"}, page="/users/edit_me")
    password = OTP.search(reset.get_data(as_text=True)).group(1)
    assert victim.get("/inbox").status_code == 302  # the other session ended
    assert page_login(app.test_client(), "edit_me", password).status_code == 302
    assert browser.get("/inbox").status_code == 200  # the admin's own session stays

    unconfirmed = post(browser, "/users/edit_me/deactivate", {}, page="/users/edit_me")
    assert unconfirmed.status_code == 422 and "请勾选确认" in unconfirmed.get_data(as_text=True)
    done = post(browser, "/users/edit_me/deactivate", {"confirm": "on"}, page="/users/edit_me")
    assert done.status_code == 302
    page = browser.get("/users/edit_me").get_data(as_text=True)
    assert "已停用用户 edit_me" in page and "重新启用" in page
    assert page_login(app.test_client(), "edit_me", password).status_code == 401
    assert "edit_me" in browser.get("/users?active=0").get_data(as_text=True)
    assert "edit_me" not in browser.get("/users").get_data(as_text=True)

    assert post(browser, "/users/edit_me/reactivate", {}, page="/users/edit_me").status_code == 302
    assert page_login(app.test_client(), "edit_me", password).status_code == 302
    assert [e["action"] for e in user_log(app, "edit_me")] == [
        "create", "update", "update", "deactivate", "reactivate"]


def test_an_admin_resetting_their_own_password_stays_signed_in(make_app):
    app = make_app()  # its own database: the admin's password changes
    browser = signed_in(app, "admin")
    elsewhere = signed_in(app, "admin")
    response = post(browser, "/users/admin/password",
                    {"password_mode": "typed", "password": "admin-new-pass"}, page="/users/admin")
    assert response.status_code == 200
    assert browser.get("/users").status_code == 200
    assert elsewhere.get("/users").status_code == 302
    assert page_login(app.test_client(), "admin", "admin-new-pass").status_code == 302


def test_the_organization_department_sees_only_the_accounts_it_manages(app):
    browser = signed_in(app, "orgdept")
    assert ">hr_edu<" in browser.get("/users?active=&q=hr_edu").get_data(as_text=True)
    assert ">admin<" not in browser.get("/users?active=&q=admin").get_data(as_text=True)
    assert ">auditor<" not in browser.get("/users?active=&q=auditor").get_data(as_text=True)
    assert browser.get("/users/auditor").status_code == 404
    form = browser.get("/users/new").get_data(as_text=True)
    assert "派出单位（人事部门）" in form and "系统管理员" not in form
