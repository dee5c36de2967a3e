"""What every client script shares: the gateway's address from the environment its runner gives
it, the models per provider family, the weather tool, and one JSON line per case on stdout."""
import json
import os
import sys
import traceback

BASE_URL = os.environ["MATRIX_GATEWAY_URL"]
KEY = os.environ["MATRIX_KEY"]
# A caller the shipped policy refuses personal data to.
DENIED_KEY = os.environ["MATRIX_DENIED_KEY"]
MODELS = os.environ.get("MATRIX_MODELS", "gpt-native,compat-llama,claude,bedrock-claude,gemini-flash").split(",")
EMBEDDING_MODEL = "gpt-native"

QUESTION = "What is the weather in Paris?"
TOOL_OUTPUT = "Sunny, 21 degrees"
DENIED_PROMPT = "My SSN is 536-22-8726"
WEATHER_PARAMETERS = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
    "additionalProperties": False,
}
OPENAI_TOOL = {
    "type": "function",
    "function": {"name": "get_weather", "description": "Current weather for a city", "parameters": WEATHER_PARAMETERS},
}


def emit(case, model, fn):
    """Runs one case and prints its result; a failure is a result too, with what the client raised."""
    try:
        detail = fn()
        out = {"case": case, "model": model, "ok": True, "detail": detail}
    except Exception as err:  # the matrix reports every client failure, whatever its type
        status = getattr(err, "status_code", None) or getattr(err, "status", None)
        out = {
            "case": case,
            "model": model,
            "ok": False,
            "error": f"{type(err).__name__}: {err}"[:600],
            "status": status if isinstance(status, int) else None,
            "trace": traceback.format_exc()[-800:],
        }
    print(json.dumps(out), flush=True)


class Counter:
    """Counts the HTTP requests a client sends, to tell a refused request from a retried one."""

    def __init__(self):
        self.n = 0

    def hook(self, _request):
        self.n += 1


def check(cond, message):
    if not cond:
        raise AssertionError(message)
