"""Cases that need answers queued on the provider fakes in order, so they run alone, one after
another: structured output (the fake holds a JSON answer per request) and the provider's 429."""
import json

import anthropic
import openai
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from common import BASE_URL, KEY, MODELS, check, emit

SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "degrees": {"type": "number"}},
    "required": ["city", "degrees"],
    "additionalProperties": False,
}
FORECAST = {"city": "Paris", "degrees": 21}


class Forecast(BaseModel):
    city: str
    degrees: float


def openai_structured(model):
    client = openai.OpenAI(base_url=f"{BASE_URL}/v1", api_key=KEY)
    r = client.chat.completions.parse(model=model, messages=[{"role": "user", "content": "Forecast for Paris"}], response_format=Forecast)
    parsed = r.choices[0].message.parsed
    check(parsed is not None and parsed.model_dump() == FORECAST, f"parsed {parsed!r}")
    return {"object": parsed.model_dump()}


def langchain_structured(model):
    llm = ChatOpenAI(model=model, base_url=f"{BASE_URL}/v1", api_key=KEY)
    out = llm.with_structured_output({"title": "forecast", **SCHEMA}, method="json_schema", strict=True).invoke("Forecast for Paris")
    check(out == FORECAST, f"parsed {out!r}")
    return {"object": out}


def openai_rate_limited(model):
    client = openai.OpenAI(base_url=f"{BASE_URL}/v1", api_key=KEY, max_retries=0)
    try:
        client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Hi"}])
    except openai.RateLimitError as err:
        return {"status": err.status_code, "retry_after": err.response.headers.get("retry-after")}
    raise AssertionError("no 429")


def anthropic_rate_limited(model):
    client = anthropic.Anthropic(base_url=BASE_URL, api_key=KEY, max_retries=0)
    try:
        client.messages.create(model=model, max_tokens=50, messages=[{"role": "user", "content": "Hi"}])
    except anthropic.RateLimitError as err:
        return {"status": err.status_code, "retry_after": err.response.headers.get("retry-after")}
    raise AssertionError("no 429")


# The order the runner queued the fakes' answers in.
for m in MODELS:
    emit("openai structured", m, lambda: openai_structured(m))
for m in MODELS:
    emit("langchain structured", m, lambda: langchain_structured(m))
emit("openai rate limited", "gpt-native", lambda: openai_rate_limited("gpt-native"))
emit("anthropic rate limited", "claude", lambda: anthropic_rate_limited("claude"))
print(json.dumps({"case": "done", "model": "", "ok": True}), flush=True)
