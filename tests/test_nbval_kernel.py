"""tests/nbval_kernel.py: nbval's kernel start is retried when the kernel dies before replying.

Real kernels, started through nbval's own ``RunningKernel`` from kernel specs written to a
temporary ``JUPYTER_PATH``: one whose first start exits at once (as a kernel does when a port
it was given is taken), one that always exits.
"""

import inspect
import json
import sys
import textwrap

import nbval.kernel
import nbval_kernel
import pytest

LAUNCHER = textwrap.dedent("""\
    import pathlib, runpy, sys
    marker = pathlib.Path(sys.argv[1])
    mode = sys.argv[2]
    if mode == "always" or not marker.exists():
        marker.touch()
        sys.stderr.write("zmq.error.ZMQError: Address already in use (simulated)\\n")
        sys.exit(1)
    sys.argv = [sys.argv[0]] + sys.argv[3:]
    runpy.run_module("ipykernel_launcher", run_name="__main__")
""")


@pytest.fixture
def kernels(tmp_path, monkeypatch):
    """Kernel specs "book-flaky" (dies on its first start only) and "book-dead" (always)."""
    launcher = tmp_path / "launcher.py"
    launcher.write_text(LAUNCHER)
    for name, mode in [("book-flaky", "once"), ("book-dead", "always")]:
        spec = tmp_path / "share" / "kernels" / name
        spec.mkdir(parents=True)
        argv = [sys.executable, str(launcher), str(tmp_path / f"{name}.started"), mode,
                "-f", "{connection_file}"]
        (spec / "kernel.json").write_text(json.dumps(
            {"argv": argv, "display_name": name, "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share"))
    return tmp_path


def test_installed_under_nbval():
    """The root conftest.py loads the plugin, so nbval's module function is the wrapper."""
    assert getattr(nbval.kernel.start_new_kernel, "_book_retrying", False)
    assert inspect.unwrap(nbval.kernel.start_new_kernel) is not nbval.kernel.start_new_kernel


def test_kernel_that_dies_once_is_started_again(kernels):
    with pytest.warns(nbval_kernel.KernelStartWarning) as record:
        kernel = nbval.kernel.RunningKernel("book-flaky", cwd=str(kernels))
    try:
        assert kernel.is_alive()
        msg_id = kernel.execute_cell_input("print(6 * 7)", allow_stdin=False)
        kernel.await_idle(msg_id, timeout=30)
        assert kernel.kc.get_shell_msg(timeout=30)["content"]["status"] == "ok"
    finally:
        kernel.stop()
    ours = [w for w in record if issubclass(w.category, nbval_kernel.KernelStartWarning)]
    assert len(ours) == 1
    text = str(ours[0].message)
    assert "attempt 1 of 3" in text and "Address already in use (simulated)" in text


def test_kernel_that_always_dies_fails_with_its_stderr(kernels):
    with pytest.warns(nbval_kernel.KernelStartWarning) as record:
        with pytest.raises(RuntimeError, match="kernel start failed 3 times") as info:
            nbval.kernel.RunningKernel("book-dead", cwd=str(kernels))
    assert "Address already in use (simulated)" in str(info.value)
    ours = [w for w in record if issubclass(w.category, nbval_kernel.KernelStartWarning)]
    assert len(ours) == 2  # attempts 1 and 2 warn; the third raises


def test_attempts_must_be_positive():
    with pytest.raises(ValueError, match="attempts must be at least 1"):
        nbval_kernel.retrying(lambda **kw: None, attempts=0)
