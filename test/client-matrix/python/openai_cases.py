"""The official openai Python client against the gateway, per provider family."""
import json

import httpx
import openai

from common import (BASE_URL, DENIED_KEY, DENIED_PROMPT, EMBEDDING_MODEL, KEY, MODELS, OPENAI_TOOL, QUESTION,
                    TOOL_OUTPUT, Counter, check, emit)

client = openai.OpenAI(base_url=f"{BASE_URL}/v1", api_key=KEY)


def chat(model):
    r = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Hi"}])
    text = r.choices[0].message.content
    check(bool(text) and "Hi" in text, f"answer {text!r}")
    return {"text": text, "usage": r.usage.total_tokens if r.usage else None}


def stream(model):
    parts = []
    for chunk in client.chat.completions.create(model=model, stream=True, messages=[{"role": "user", "content": "Hi"}]):
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    text = "".join(parts)
    check("Hi" in text, f"streamed {text!r}")
    return {"text": text, "chunks": len(parts)}


def tools(model):
    messages = [{"role": "user", "content": QUESTION}]
    first = client.chat.completions.create(model=model, messages=messages, tools=[OPENAI_TOOL])
    calls = first.choices[0].message.tool_calls or []
    check(len(calls) == 1 and calls[0].function.name == "get_weather", f"tool calls {calls!r}")
    check(json.loads(calls[0].function.arguments) == {"city": "Paris"}, calls[0].function.arguments)
    messages.append(first.choices[0].message.model_dump(exclude_none=True))
    messages.append({"role": "tool", "tool_call_id": calls[0].id, "content": TOOL_OUTPUT})
    final = client.chat.completions.create(model=model, messages=messages, tools=[OPENAI_TOOL])
    text = final.choices[0].message.content or ""
    check("Sunny" in text, f"final {text!r}")
    return {"text": text}


def embeddings(model):
    r = client.embeddings.create(model=model, input=["one", "two"])
    check(len(r.data) == 2 and len(r.data[0].embedding) > 0, "two vectors")
    return {"vectors": len(r.data), "dims": len(r.data[0].embedding)}


def denied(model):
    counter = Counter()
    refused = openai.OpenAI(base_url=f"{BASE_URL}/v1", api_key=DENIED_KEY,
                            http_client=httpx.Client(event_hooks={"request": [counter.hook]}))
    try:
        refused.chat.completions.create(model=model, messages=[{"role": "user", "content": DENIED_PROMPT}])
    except openai.PermissionDeniedError as err:
        body = err.body if isinstance(err.body, dict) else {}
        return {"status": err.status_code, "code": body.get("code"), "requests": counter.n}
    raise AssertionError("the request was not refused")


for m in MODELS:
    emit("chat", m, lambda: chat(m))
    emit("stream", m, lambda: stream(m))
    emit("tools", m, lambda: tools(m))
    emit("denied", m, lambda: denied(m))
emit("embeddings", EMBEDDING_MODEL, lambda: embeddings(EMBEDDING_MODEL))
