"""config_output: the canonical project printed byte for byte as docker compose prints it."""

from __future__ import annotations

import json

import pytest

from composer.generate.config_output import render_config, to_json, to_yaml
from composer.generate.goyaml import go_float, scalar_style, yaml_sorted

# Data in no particular key order, as a loader may produce it (expected texts: reference output).
PROJECT = {
    "x-top": [],
    "volumes": {"data": {"name": "gold_data"}},
    "services": {
        "web": {
            "x-note": "kept in yaml",
            "volumes": [
                {
                    "volume": {},
                    "read_only": True,
                    "target": "/data",
                    "source": "data",
                    "type": "volume",
                }
            ],
            "ports": [
                {
                    "protocol": "tcp",
                    "published": "8080",
                    "target": 80,
                    "host_ip": "127.0.0.1",
                    "mode": "ingress",
                }
            ],
            "networks": {"default": None},
            "image": "nginx:1.0",
            "environment": {"MULTI": "a\nb\n", "LEAD": " x", "A10": "yes", "A9": "1"},
            "entrypoint": None,
            "depends_on": {"db": {"required": True, "condition": "service_started"}},
            "command": ["echo", "hello $HOME"],
        },
        "db": {
            "networks": {"default": None},
            "image": "db",
            "deploy": {"replicas": 2},
            "cpus": 1.5,
        },
    },
    "networks": {"default": {"name": "gold_default"}, "back": {"name": "gold_back", "ipam": {}}},
    "name": "gold",
}

EXPECTED_YAML = (
    "\n".join(
        [
            "name: gold",
            "services:",
            "  db:",
            "    cpus: 1.5",
            "    deploy:",
            "      replicas: 2",
            "    image: db",
            "    networks:",
            "      default: null",
            "  web:",
            "    command:",
            "      - echo",
            "      - hello $$HOME",
            "    depends_on:",
            "      db:",
            "        condition: service_started",
            "        required: true",
            "    environment:",
            '      A9: "1"',
            '      A10: "yes"',
            "      LEAD: ' x'",
            "      MULTI: |",
            "        a",
            "        b",
            "    image: nginx:1.0",
            "    networks:",
            "      default: null",
            "    ports:",
            "      - mode: ingress",
            "        host_ip: 127.0.0.1",
            "        target: 80",
            '        published: "8080"',
            "        protocol: tcp",
            "    volumes:",
            "      - type: volume",
            "        source: data",
            "        target: /data",
            "        read_only: true",
            "        volume: {}",
            "    x-note: kept in yaml",
            "networks:",
            "  back:",
            "    name: gold_back",
            "  default:",
            "    name: gold_default",
            "volumes:",
            "  data:",
            "    name: gold_data",
            "x-top: []",
        ]
    )
    + "\n"
)

EXPECTED_JSON = "\n".join(
    [
        "{",
        '  "name": "gold",',
        '  "networks": {',
        '    "back": {',
        '      "name": "gold_back",',
        '      "ipam": {}',
        "    },",
        '    "default": {',
        '      "name": "gold_default",',
        '      "ipam": {}',
        "    }",
        "  },",
        '  "services": {',
        '    "db": {',
        '      "cpus": 1.5,',
        '      "command": null,',
        '      "deploy": {',
        '        "replicas": 2,',
        '        "resources": {},',
        '        "placement": {}',
        "      },",
        '      "entrypoint": null,',
        '      "image": "db",',
        '      "networks": {',
        '        "default": null',
        "      }",
        "    },",
        '    "web": {',
        '      "command": [',
        '        "echo",',
        '        "hello $$HOME"',
        "      ],",
        '      "depends_on": {',
        '        "db": {',
        '          "condition": "service_started",',
        '          "required": true',
        "        }",
        "      },",
        '      "entrypoint": null,',
        '      "environment": {',
        '        "A10": "yes",',
        '        "A9": "1",',
        '        "LEAD": " x",',
        '        "MULTI": "a\\nb\\n"',
        "      },",
        '      "image": "nginx:1.0",',
        '      "networks": {',
        '        "default": null',
        "      },",
        '      "ports": [',
        "        {",
        '          "mode": "ingress",',
        '          "host_ip": "127.0.0.1",',
        '          "target": 80,',
        '          "published": "8080",',
        '          "protocol": "tcp"',
        "        }",
        "      ],",
        '      "volumes": [',
        "        {",
        '          "type": "volume",',
        '          "source": "data",',
        '          "target": "/data",',
        '          "read_only": true,',
        '          "volume": {}',
        "        }",
        "      ]",
        "    }",
        "  },",
        '  "volumes": {',
        '    "data": {',
        '      "name": "gold_data"',
        "    }",
        "  },",
        '  "x-top": null',
        "}",
    ]
)


def test_yaml_is_byte_identical_to_the_reference() -> None:
    assert render_config(PROJECT, "yaml") == EXPECTED_YAML


def test_json_is_byte_identical_to_the_reference() -> None:
    assert render_config(PROJECT, "json") == EXPECTED_JSON


def test_json_has_no_final_newline_and_yaml_has_one() -> None:
    assert not render_config(PROJECT, "json").endswith("\n")
    assert render_config(PROJECT, "yaml").endswith("x-top: []\n")


def test_dollars_are_escaped_only_for_interpolated_output() -> None:
    data = {"name": "p", "services": {"s": {"image": "a$b"}}}
    assert "image: a$$b" in render_config(data, "yaml")
    assert "image: a$b" in render_config(data, "yaml", escape_dollars=False)


def test_model_rendering_sorts_everything_without_quirks() -> None:
    data = {"services": {"s": {"ports": [{"target": 80, "mode": "ingress"}]}}, "name": "p"}
    assert to_yaml(data, model=True) == (
        "name: p\nservices:\n  s:\n    ports:\n      - mode: ingress\n        target: 80\n"
    )
    assert json.loads(to_json(data, model=True)) == data
    assert '"command"' not in to_json(data, model=True)


def test_json_quirks_of_the_reference() -> None:
    data = {
        "name": "p",
        "services": {
            "s": {
                "x-skip": 1,
                "deploy": {"replicas": 1},
                "blkio_config": {"weight_device": [{"path": "/dev/sda", "weight": 10}]},
                "develop": {"watch": [{"path": "/src", "action": "rebuild"}]},
                "cpus": 2.0,
                "labels": {"html": "<a&b>"},
            }
        },
        "models": {"m": {"model": "ai/x"}},
        "x-ext": {"empty": []},
    }
    out = json.loads(to_json(data))
    service = out["services"]["s"]
    assert "x-skip" not in service
    assert "models" not in out
    assert service["command"] is None
    assert service["entrypoint"] is None
    assert service["deploy"] == {"replicas": 1, "resources": {}, "placement": {}}
    assert service["blkio_config"] == {"weight_device": [{"Path": "/dev/sda", "Weight": 10}]}
    assert service["develop"]["watch"][0]["exec"] == {"command": None}
    assert out["x-ext"] == {"empty": None}
    text = to_json(data)
    assert '"cpus": 2,' in text
    assert "\\u003ca\\u0026b\\u003e" in text


def test_yaml_omits_null_fields_and_empty_struct_values() -> None:
    data = {"name": "p", "networks": {"net": {"name": "p_n", "ipam": {}, "driver": None}}}
    assert to_yaml(data) == "name: p\nnetworks:\n  net:\n    name: p_n\n"


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("plain", "plain"),
        ("", "double"),
        ("1", "double"),
        ("010", "double"),
        ("1.5e3", "double"),
        ("yes", "double"),
        ("Y", "double"),
        ("null", "double"),
        ("~", "double"),
        ("1:20", "double"),
        ("2001-12-14", "double"),
        ("0x1F", "double"),
        (".5", "double"),
        (".9_", "plain"),
        ("NaN", "plain"),
        ("<<", "plain"),
        ("\ttab", "double"),
        ("a \nb", "double"),
        ("😀", "double"),
        (" lead", "single"),
        ("trail ", "single"),
        ("- x", "single"),
        ("-x", "plain"),
        ("x:", "single"),
        ("a: b", "single"),
        ("a#b", "plain"),
        ("a #b", "single"),
        ("#x", "single"),
        ("---", "single"),
        ("--", "plain"),
        ("it's", "plain"),
        ("é", "plain"),
        ("a\nb", "literal"),
        ("a\tb\nc", "literal"),
    ],
)
def test_scalar_styles_match_go_yaml(text: str, style: str) -> None:
    assert scalar_style(text) == style


def test_multiline_keys_are_double_quoted() -> None:
    assert scalar_style("a\nb", key=True) == "double"


def test_literal_block_hints() -> None:
    data = {"a": "x\n", "b": "x", "c": "x\n\n", "d": " x\ny"}
    assert to_yaml(data, model=True) == ("a: |\n  x\nb: x\nc: |+\n  x\n\nd: |2-\n   x\n  y\n")


def test_map_keys_in_go_yaml_order() -> None:
    keys = ["a1", "A10", "A9", "_z", "Z", "1a", "10", "9", "07", "007", "A_1"]
    assert yaml_sorted(keys) == ["_z", "1a", "07", "007", "9", "10", "A_1", "A9", "A10", "Z", "a1"]


@pytest.mark.parametrize(
    ("value", "yaml_text", "json_text"),
    [
        (1.5, "1.5", "1.5"),
        (2.0, "2", "2"),
        (1e-05, "1e-05", "0.00001"),
        (1e-07, "1e-07", "1e-7"),
        (1234567.0, "1.234567e+06", "1234567"),
        (1e21, "1e+21", "1e+21"),
    ],
)
def test_floats_are_formatted_as_go_does(value: float, yaml_text: str, json_text: str) -> None:
    assert go_float(value) == yaml_text
    assert go_float(value, json=True) == json_text
