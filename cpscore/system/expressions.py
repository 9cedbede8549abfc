"""Safe arithmetic expressions over plant facts and raw inputs, evaluated for all plants at once.

Benchmarks such as ``10 + 5 * n`` (n = layer count) and formulas that compute an indicator from raw
data are written in this small language: numbers, names, + - * / ** and parentheses, min() and
max(). Nothing else is accepted, so a system file can never run code.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from functools import lru_cache

import numpy as np

_BINOPS = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
}
_FUNCS = {"min": np.minimum, "max": np.maximum}


class ExpressionError(ValueError):
    """An expression outside the permitted language."""


@lru_cache(maxsize=1024)
def parse(text: str) -> ast.expr:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as e:
        raise ExpressionError(f"not an arithmetic expression: {text!r} ({e.msg})") from None
    _check(tree.body, text)
    return tree.body


def _check(node: ast.AST, text: str) -> None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return
    if isinstance(node, ast.Name):
        return
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        _check(node.left, text)
        _check(node.right, text)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check(node.operand, text)
        return
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FUNCS
        and len(node.args) == 2
        and not node.keywords
    ):
        for a in node.args:
            _check(a, text)
        return
    raise ExpressionError(
        f"{text!r}: only numbers, names, + - * / **, parentheses, min() and max() are allowed"
    )


def names(text: str) -> set[str]:
    """The fact or raw-input names an expression reads."""
    return {
        n.id
        for n in ast.walk(parse(text))
        if isinstance(n, ast.Name) and not (n.id in _FUNCS and _is_func(parse(text), n))
    }


def _is_func(tree: ast.AST, name: ast.Name) -> bool:
    return any(isinstance(c, ast.Call) and c.func is name for c in ast.walk(tree))


def evaluate(text: str, env: Mapping[str, np.ndarray | float]) -> np.ndarray | float:
    """Evaluate for every plant: names map to arrays (one value per plant) or scalars."""
    return _eval(parse(text), env)


def _eval(node: ast.AST, env: Mapping[str, np.ndarray | float]):
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return np.asarray(env[node.id], dtype=float)
    if isinstance(node, ast.BinOp):
        with np.errstate(divide="ignore", invalid="ignore"):
            return _BINOPS[type(node.op)](_eval(node.left, env), _eval(node.right, env))
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, env)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.Call):
        a, b = (_eval(x, env) for x in node.args)
        return _FUNCS[node.func.id](a, b)
    raise ExpressionError("unreachable")  # _check rejected everything else
