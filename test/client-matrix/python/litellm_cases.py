"""LiteLLM's completion() and embedding() against the gateway as an OpenAI-compatible server."""
import json

import litellm

from common import (BASE_URL, DENIED_KEY, DENIED_PROMPT, EMBEDDING_MODEL, KEY, MODELS, OPENAI_TOOL, QUESTION,
                    TOOL_OUTPUT, check, emit)

API = {"api_base": f"{BASE_URL}/v1", "api_key": KEY}


def chat(model):
    r = litellm.completion(model=f"openai/{model}", messages=[{"role": "user", "content": "Hi"}], **API)
    text = r.choices[0].message.content
    check(bool(text) and "Hi" in text, f"answer {text!r}")
    return {"text": text}


def stream(model):
    parts = []
    for chunk in litellm.completion(model=f"openai/{model}", stream=True, messages=[{"role": "user", "content": "Hi"}], **API):
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    text = "".join(parts)
    check("Hi" in text, f"streamed {text!r}")
    return {"text": text, "chunks": len(parts)}


def tools(model):
    messages = [{"role": "user", "content": QUESTION}]
    first = litellm.completion(model=f"openai/{model}", messages=messages, tools=[OPENAI_TOOL], **API)
    calls = first.choices[0].message.tool_calls or []
    check(len(calls) == 1 and json.loads(calls[0].function.arguments) == {"city": "Paris"}, f"tool calls {calls!r}")
    messages.append({"role": "assistant", "content": None, "tool_calls": [
        {"id": calls[0].id, "type": "function", "function": {"name": calls[0].function.name, "arguments": calls[0].function.arguments}}]})
    messages.append({"role": "tool", "tool_call_id": calls[0].id, "content": TOOL_OUTPUT})
    final = litellm.completion(model=f"openai/{model}", messages=messages, tools=[OPENAI_TOOL], **API)
    text = final.choices[0].message.content or ""
    check("Sunny" in text, f"final {text!r}")
    return {"text": text}


def embeddings(model):
    r = litellm.embedding(model=f"openai/{model}", input=["one", "two"], **API)
    check(len(r.data) == 2, "two vectors")
    return {"vectors": len(r.data)}


def denied(model):
    try:
        litellm.completion(model=f"openai/{model}", messages=[{"role": "user", "content": DENIED_PROMPT}],
                           api_base=f"{BASE_URL}/v1", api_key=DENIED_KEY, num_retries=0)
    except Exception as err:  # LiteLLM maps statuses onto its own exception classes
        if not isinstance(getattr(err, "status_code", None), int):
            raise
        return {"status": err.status_code, "type": type(err).__name__}
    raise AssertionError("the request was not refused")


for m in MODELS:
    emit("chat", m, lambda: chat(m))
    emit("stream", m, lambda: stream(m))
    emit("tools", m, lambda: tools(m))
    emit("denied", m, lambda: denied(m))
emit("embeddings", EMBEDDING_MODEL, lambda: embeddings(EMBEDDING_MODEL))
