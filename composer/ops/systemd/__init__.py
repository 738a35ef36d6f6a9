"""`composer systemd`: unit and Quadlet files of a project, the host facts they need, install."""
