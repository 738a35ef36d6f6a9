"""`down`'s reading of Podman's refusals: an object still in use is kept, not an error."""

from __future__ import annotations

import pytest

from composer.ops.commands.down import in_use


@pytest.mark.parametrize(
    "message",
    [
        # Podman 4.3's own words, through the API (network, volume, image).
        'network p_default: cannot remove: "p_default" has associated containers with it. '
        "Use -f to forcibly delete containers and pods: network is being used",
        "volume p_data: cannot remove: volume p_data is being used by the following "
        "container(s): d0864c2e3793: volume is being used",
        'image "p-web": cannot remove: image is in use by a container: consider listing '
        "external containers and force-removing image",
    ],
)
def test_objects_still_used_are_recognised(message: str) -> None:
    assert in_use(message)


@pytest.mark.parametrize(
    "message",
    [
        "network p_default: cannot remove: no such network",
        "volume p_data: cannot remove: lost the connection to the Podman service",
        "image p-web: cannot remove: unused-image is not known",
    ],
)
def test_other_failures_are_errors(message: str) -> None:
    assert not in_use(message)
