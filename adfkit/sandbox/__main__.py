"""``python -m adfkit.sandbox``: run the sandbox in the foreground (see ``cli``)."""

from adfkit.sandbox.cli import sandbox_command

if __name__ == "__main__":
    sandbox_command(prog_name="python -m adfkit.sandbox")
