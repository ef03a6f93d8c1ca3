"""The server's light pages: plain HTML without a kernel and without scripts.

The join page (the bare address, and every app address without a valid code on a hosted
server), the trainer's sign-in, a full session, a busy server and errors. They load
nothing from other hosts, work on any phone, and every value in them is escaped.
Texts come from ``data/content/server.yaml``.
"""

from __future__ import annotations

from html import escape

from .texts import text

JOIN_APP = "voila/render/notebooks/index.ipynb"
TRAINER_APP = "voila/render/notebooks/trainer.ipynb"
SIGN_IN = "aanmelden"
SIGN_OUT = "afmelden"

_STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:34rem;
margin:0 auto;padding:8vh 1.2rem 2rem;line-height:1.5;color:#1f2933;background:#fff;
font-size:1.05rem}
h1{font-size:1.6rem;margin:0 0 .6rem}
a{color:#0b5cad}
form{margin:1.2rem 0}
label{display:block;font-weight:600;margin-bottom:.3rem}
input[type=text],input[type=password]{width:100%;max-width:22rem;font-size:1.3rem;
padding:.55rem .7rem;border:2px solid #52606d;border-radius:6px;letter-spacing:.06em}
input:focus,button:focus,a:focus{outline:3px solid #f0b429;outline-offset:2px}
button{display:block;margin-top:.8rem;font-size:1.1rem;padding:.6rem 1.4rem;border:0;
border-radius:6px;background:#0b5cad;color:#fff;cursor:pointer;min-height:44px}
.ztmo-problem{border-left:5px solid #b42318;background:#fdecea;color:#7a1c12;
padding:.7rem .9rem;margin:1rem 0}
.ztmo-quiet{color:#3e4c59;font-size:.95rem}
.ztmo-kicker{color:#3e4c59;font-size:.9rem;margin:0 0 .2rem}
"""


def _page(title: str, body: str, refresh: int | None = None) -> str:
    head = f'\n<meta http-equiv="refresh" content="{int(refresh)}">' if refresh else ""
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'{head}\n<meta name="robots" content="noindex">\n'
        f"<title>{escape(title)} – {escape(text('server', 'titel'))}</title>\n"
        f"<style>{_STYLE}</style></head>\n<body><main>\n{body}\n</main></body></html>"
    )


def _problem(message: str) -> str:
    return f'<p class="ztmo-problem" role="alert">{escape(message)}</p>' if message else ""


def join_page(base: str, *, code: str = "", problem: str = "", hosted: bool,
              wait_minutes: int = 0, xsrf_field: str = "") -> str:
    """Type the code (or scan the QR code): the form asks the app's address with the
    code, and the server's gate decides. ``problem`` is a text key of server.yaml."""
    t = lambda key, **kw: text("server", key, **kw)
    message = t(problem, minuten=wait_minutes) if problem else ""
    value = escape(code) if code.isascii() and code.isalnum() and len(code) <= 12 else ""
    without = (
        f'<p class="ztmo-quiet">{escape(t("meedoen.zonder_code"))} '
        f'<a href="{escape(base + JOIN_APP)}">{escape(t("meedoen.zonder_code_link"))}</a></p>'
        if not hosted else f'<p class="ztmo-quiet">{escape(t("meedoen.alleen_met_code"))}</p>')
    return _page(t("meedoen.titel"), f"""
<p class="ztmo-kicker">{escape(t('titel'))}</p>
<h1>{escape(t('meedoen.titel'))}</h1>
<p>{escape(t('meedoen.uitleg'))}</p>
{_problem(message)}
<form method="get" action="{escape(base + JOIN_APP)}" class="ztmo-join-form">
<label for="sessie">{escape(t('meedoen.veld'))}</label>
<input type="text" id="sessie" name="sessie" value="{value}" required maxlength="12"
 autocomplete="off" autocapitalize="characters" spellcheck="false" inputmode="text"
 placeholder="{escape(t('meedoen.voorbeeld'))}" autofocus>
<button type="submit">{escape(t('meedoen.knop'))}</button>
</form>
{without}
<p class="ztmo-quiet">{escape(t('meedoen.trainer'))}
<a href="{escape(base + TRAINER_APP)}">{escape(t('meedoen.trainer_link'))}</a></p>""")


def sign_in_page(base: str, xsrf_token: str, *, problem: str = "", wait_minutes: int = 0,
                 next_path: str = "", signed_out: bool = False) -> str:
    t = lambda key, **kw: text("server", key, **kw)
    message = t(problem, minuten=wait_minutes) if problem else ""
    note = f'<p role="status">{escape(t("aanmelden.afgemeld"))}</p>' if signed_out else ""
    return _page(t("aanmelden.titel"), f"""
<p class="ztmo-kicker">{escape(t('titel'))}</p>
<h1>{escape(t('aanmelden.titel'))}</h1>
{note}
<p>{escape(t('aanmelden.uitleg'))}</p>
{_problem(message)}
<form method="post" action="{escape(base + SIGN_IN)}" class="ztmo-sign-in-form">
<input type="hidden" name="_xsrf" value="{escape(xsrf_token)}">
<input type="hidden" name="volgende" value="{escape(next_path)}">
<label for="sleutel">{escape(t('aanmelden.veld'))}</label>
<input type="password" id="sleutel" name="sleutel" required maxlength="60"
 autocomplete="current-password" spellcheck="false"
 placeholder="{escape(t('aanmelden.voorbeeld'))}" autofocus>
<button type="submit">{escape(t('aanmelden.knop'))}</button>
</form>""")


def sign_out_page(base: str, xsrf_token: str) -> str:
    title = text("server", "aanmelden.afmelden")
    return _page(title, f"""
<h1>{escape(title)}</h1>
<form method="post" action="{escape(base + SIGN_OUT)}">
<input type="hidden" name="_xsrf" value="{escape(xsrf_token)}">
<button type="submit">{escape(title)}</button></form>""")


def full_page() -> str:
    t = lambda key: text("server", key)
    return _page(t("vol.titel"), f"<h1>{escape(t('vol.titel'))}</h1><p>{escape(t('vol.tekst'))}"
                 f"</p><p class=\"ztmo-quiet\">{escape(t('vol.opnieuw'))}</p>", refresh=30)


def busy_page() -> str:
    t = lambda key: text("server", key)
    return _page(t("druk.titel"), f"<h1>{escape(t('druk.titel'))}</h1><p>{escape(t('druk.tekst'))}"
                 f"</p><p>{escape(t('druk.opnieuw'))}</p>", refresh=30)


ERRORS = {403: ("fouten.geen_toegang_titel", "fouten.geen_toegang"),
          404: ("fouten.niet_gevonden_titel", "fouten.niet_gevonden")}
OTHER = ("fouten.anders_titel", "fouten.anders")


def error_page(status: int, message_key: str = "") -> str:
    title_key, body_key = ERRORS.get(status, OTHER)
    title = text("server", title_key)
    body = text("server", message_key or body_key)
    return _page(title, f"<h1>{escape(title)}</h1><p>{escape(body)}</p>")
