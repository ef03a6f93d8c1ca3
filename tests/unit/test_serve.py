import pytest

from ztmo.serve import TEMPLATE_ROOT, ServeSettings, start_urls, voila_argv, voila_env


def test_argv_uses_our_template_preheating_and_culling():
    argv = voila_argv(ServeSettings(port=9000, pool_size=2, cull_idle_seconds=600))
    assert "--template=ztmo" in argv and "--port=9000" in argv
    assert "--preheat_kernel=True" in argv and "--pool_size=2" in argv
    assert "--MappingKernelManager.cull_idle_timeout=600" in argv
    assert "--VoilaConfiguration.show_tracebacks=False" in argv
    assert any(a.startswith("--VoilaKernelManager.preheat_denylist=") and ".venv" in a
               for a in argv)


def test_preheating_can_be_switched_off():
    argv = voila_argv(ServeSettings(preheat=False))
    assert not any(a.startswith("--preheat_kernel") for a in argv)


def test_settings_from_environment():
    s = ServeSettings.from_env({"ZTMO_HOST": "0.0.0.0", "PORT": "9100", "ZTMO_POOL_SIZE": "3",
                                "ZTMO_PREHEAT": "0"})
    assert (s.host, s.port, s.pool_size, s.preheat) == ("0.0.0.0", 9100, 3, False)
    assert start_urls(s)[0] == "http://127.0.0.1:9100/voila/render/notebooks/index.ipynb"


def test_bad_number_gives_a_dutch_message():
    with pytest.raises(SystemExit, match="PORT moet een geheel getal zijn"):
        ServeSettings.from_env({"PORT": "acht"})


def test_template_is_put_in_front_of_jupyter_path():
    env = voila_env({"JUPYTER_PATH": "/elders"})
    assert env["JUPYTER_PATH"].split(":")[0] == str(TEMPLATE_ROOT)
    assert (TEMPLATE_ROOT / "voila/templates/ztmo/index.html.j2").exists()


def test_cli_serve_passes_flags_over_the_environment(monkeypatch):
    from ztmo import cli, serve

    calls = []
    monkeypatch.setattr(serve, "run", lambda s: calls.append(s) or 0)
    monkeypatch.setenv("PORT", "9200")
    monkeypatch.setenv("ZTMO_HOST", "0.0.0.0")
    assert cli.main(["serve", "--pool-size", "4", "--geen-voorverwarming"]) == 0
    (s,) = calls
    assert (s.port, s.host, s.pool_size, s.preheat) == (9200, "0.0.0.0", 4, False)
