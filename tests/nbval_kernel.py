"""nbval's kernel start, retried when the kernel process dies before it answers.

``pytest --nbval`` starts one kernel per notebook (nbval.kernel.start_new_kernel). The kernel
binds the TCP ports that jupyter_client chose for it a moment earlier, by opening and closing
sockets on port 0; if another process takes one of those ports in between (the second
pytest worker's kernel, or any outgoing connection, which uses the same range of ephemeral
ports), the kernel exits with "Address already in use" and nbval reports every cell of the
notebook as an error: "RuntimeError: Kernel died before replying to kernel_info". This is a
known race in jupyter_client (nbmake issue 129, nbconvert issue 1066); it happened once in
this book's CI, in one of the floating-point configurations, on a notebook that passed in
every other configuration.

:func:`install` wraps nbval's kernel start: it keeps the kernel's standard error in a
temporary file (nbval discards it) and, if the kernel dies or does not answer before its
``kernel_info`` reply, starts a fresh kernel, at most ``ATTEMPTS`` times in all. No notebook
code has run at that point, so a retry cannot hide a failing cell. Each retry is reported as
a pytest warning with the kernel's last lines of standard error; if every attempt fails, the
error says so and carries the last attempt's standard error, so a kernel that cannot start
(a broken environment) still fails, with its reason. ``tests/test_nbval_kernel.py`` checks
both: a kernel that dies on its first start only, and one that always dies.
"""

import functools
import tempfile
import warnings

ATTEMPTS = 3
STDERR_TAIL = 2000  # characters of the kernel's standard error kept in reports


class KernelStartWarning(UserWarning):
    """A notebook kernel died before replying and was started again."""


def _tail(stream) -> str:
    stream.flush()
    stream.seek(0)
    text = stream.read().decode("utf-8", "replace").strip()
    return text[-STDERR_TAIL:] or "(nothing on standard error)"


def retrying(start, attempts: int = ATTEMPTS):
    """``start`` (nbval's ``start_new_kernel``) wrapped: up to ``attempts`` kernel starts."""
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts!r}")

    @functools.wraps(start)
    def start_new_kernel(*args, **kwargs):
        last = None
        for attempt in range(1, attempts + 1):
            err = tempfile.TemporaryFile()  # the kernel keeps writing to it while it runs
            kwargs["stderr"] = err
            try:
                km, kc = start(*args, **kwargs)
            except RuntimeError as exc:
                last = (exc, _tail(err))
                err.close()
                if attempt < attempts:
                    warnings.warn(
                        f"notebook kernel start failed ({exc}), attempt {attempt} of "
                        f"{attempts}; starting a new kernel. Kernel's standard error:\n"
                        f"{last[1]}", KernelStartWarning, stacklevel=2)
                continue
            km._book_stderr = err  # closed with the manager; nbval never reads it
            return km, kc
        exc, tail = last
        raise RuntimeError(
            f"{exc} (kernel start failed {attempts} times). Last kernel's standard error:\n"
            f"{tail}") from exc

    start_new_kernel._book_retrying = True
    return start_new_kernel


def install() -> None:
    """Wrap nbval's kernel start with :func:`retrying` (idempotent)."""
    import nbval.kernel

    if getattr(nbval.kernel.start_new_kernel, "_book_retrying", False):
        return
    nbval.kernel.start_new_kernel = retrying(nbval.kernel.start_new_kernel)


def pytest_configure(config):
    """Loaded as a pytest plugin from the root conftest.py."""
    if config.pluginmanager.hasplugin("nbval"):
        install()
