"""The official anthropic Python client against the gateway's messages API, per provider family."""
import anthropic

from common import (BASE_URL, DENIED_KEY, DENIED_PROMPT, KEY, MODELS, QUESTION, TOOL_OUTPUT, WEATHER_PARAMETERS,
                    Counter, check, emit)

client = anthropic.Anthropic(base_url=BASE_URL, api_key=KEY)
TOOL = {"name": "get_weather", "description": "Current weather for a city", "input_schema": WEATHER_PARAMETERS}


def text_of(message):
    return "".join(b.text for b in message.content if b.type == "text")


def chat(model):
    r = client.messages.create(model=model, max_tokens=100, messages=[{"role": "user", "content": "Hi"}])
    text = text_of(r)
    check("Hi" in text, f"answer {text!r}")
    return {"text": text, "stop_reason": r.stop_reason}


def stream(model):
    with client.messages.stream(model=model, max_tokens=100, messages=[{"role": "user", "content": "Hi"}]) as s:
        parts = list(s.text_stream)
        final = s.get_final_message()
    text = "".join(parts)
    check("Hi" in text and text == text_of(final), f"streamed {text!r}")
    return {"text": text, "chunks": len(parts)}


def tools(model):
    messages = [{"role": "user", "content": QUESTION}]
    first = client.messages.create(model=model, max_tokens=100, messages=messages, tools=[TOOL])
    uses = [b for b in first.content if b.type == "tool_use"]
    check(first.stop_reason == "tool_use" and len(uses) == 1 and uses[0].input == {"city": "Paris"}, f"tool use {first.content!r}")
    messages.append({"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]})
    messages.append({"role": "user", "content": [{"type": "tool_result", "tool_use_id": uses[0].id, "content": TOOL_OUTPUT}]})
    final = client.messages.create(model=model, max_tokens=100, messages=messages, tools=[TOOL])
    text = text_of(final)
    check("Sunny" in text, f"final {text!r}")
    return {"text": text}


def denied(model):
    counter = Counter()
    refused = anthropic.Anthropic(base_url=BASE_URL, api_key=DENIED_KEY,
                                  http_client=anthropic.DefaultHttpxClient(event_hooks={"request": [counter.hook]}))
    try:
        refused.messages.create(model=model, max_tokens=50, messages=[{"role": "user", "content": DENIED_PROMPT}])
    except anthropic.PermissionDeniedError as err:
        return {"status": err.status_code, "type": getattr(err, "type", None), "requests": counter.n}
    raise AssertionError("the request was not refused")


for m in MODELS:
    emit("chat", m, lambda: chat(m))
    emit("stream", m, lambda: stream(m))
    emit("tools", m, lambda: tools(m))
    emit("denied", m, lambda: denied(m))
