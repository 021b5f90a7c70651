"""`{% chrome %}title{% main %}content{% endchrome %}`: the page around every page
(templates/_chrome.html: head, menu, language switch), rendered once per language, role
and menu instead of on every request.

The menu alone is some 60 template nodes (translations, static files, the role's items)
that come out the same for every coach in one language: ~2 ms of CPU on every page. The
tag renders _chrome.html once per key with stand-ins where a request's own values go (the
title and content, the user's name, the path, the CSRF token), keeps the pieces between
them, and fills in each request's values (escaped as the template would). _chrome.html
sees only the variables given here, so a variable added to it without a place in the key
comes out empty instead of cached for the wrong user.
"""

import re

from django import template
from django.core.signals import setting_changed
from django.template.defaulttags import CsrfTokenNode
from django.utils import translation
from django.utils.autoreload import file_changed
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

register = template.Library()

SKELETON = "_chrome.html"
SLOT = re.compile(r"@@plp-slot:(\w+)@@")
# Kept skeletons: 2 languages x 2 (logged in or not) x 16 role combinations x menus.
MAX_KEPT = 256
_kept: dict[tuple, tuple[str, ...]] = {}


def _forget(**kwargs) -> None:
    _kept.clear()


setting_changed.connect(_forget, dispatch_uid="plp-chrome-settings")
# runserver reloads changed templates without a restart; the kept pieces go with them.
file_changed.connect(_forget, dispatch_uid="plp-chrome-templates")


def _user_label(context) -> str:
    user = context.get("user")
    return conditional_escape(user.get_full_name() or user.username)


def _full_path(context) -> str:
    request = context.get("request")
    return conditional_escape(request.get_full_path()) if request is not None else ""


_CSRF = CsrfTokenNode()
# How each stand-in's value is made for a request (title and main: the tag's own parts).
FILLERS = {
    "user_label": _user_label,
    "full_path": _full_path,
    "csrf_input": _CSRF.render,
}


def _key(context) -> tuple:
    user = context.get("user")
    menu = context.get("menu")
    return (
        translation.get_language(),
        bool(user is not None and user.is_authenticated),
        bool(context.get("is_coordinator")),
        bool(context.get("can_manage_accounts")),
        bool(context.get("can_register_participants")),
        bool(context.get("accounts_only")),
        tuple(menu.items()) if isinstance(menu, dict) else menu,
    )


def skeleton(context, engine) -> tuple[str, ...]:
    """_chrome.html for this context's key, split at its stand-ins: literal HTML at even
    positions, the names of stand-ins at odd ones."""
    key = _key(context)
    found = _kept.get(key)
    if found is None:
        language, authenticated, coordinator, manages, registers, accounts_only, _menu = key
        variables = {
            "authenticated": authenticated,
            "is_coordinator": coordinator,
            "can_manage_accounts": manages,
            "can_register_participants": registers,
            "accounts_only": accounts_only,
            "menu": context.get("menu"),
            **{name: f"@@plp-slot:{name}@@" for name in ("title", "main", *FILLERS)},
        }
        html = engine.get_template(SKELETON).render(template.Context(variables, autoescape=True))
        found = tuple(SLOT.split(html))
        names = found[1::2]
        changed = "plp-slot" in "".join(found[::2]).lower() or not set(names) <= {"title", "main", *FILLERS}
        if changed or names.count("title") != 1 or names.count("main") != 1:
            raise template.TemplateSyntaxError(f"{SKELETON}: a stand-in was changed by the template")
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        _kept[key] = found
    return found


class ChromeNode(template.Node):
    child_nodelists = ("title", "main")

    def __init__(self, title, main):
        self.title = title
        self.main = main

    def render(self, context):
        parts = skeleton(context, context.template.engine)
        out = []
        made = {}
        # In the page's order, as the template did: the title, the menu's values, the content.
        for i, part in enumerate(parts):
            if not i % 2:
                out.append(part)
            elif part not in made:
                if part == "title":
                    made[part] = self.title.render(context)
                elif part == "main":
                    made[part] = self.main.render(context)
                else:
                    made[part] = FILLERS[part](context)
                out.append(made[part])
            else:
                out.append(made[part])
        return SafeString("".join(out))


@register.tag
def chrome(parser, token):
    """{% chrome %}<title's content>{% main %}<main's content>{% endchrome %}"""
    title = parser.parse(("main",))
    parser.delete_first_token()
    main = parser.parse(("endchrome",))
    parser.delete_first_token()
    return ChromeNode(title, main)
