"""langchain-openai's ChatOpenAI and OpenAIEmbeddings against the gateway, per provider family."""
import httpx
import openai
from langchain_core.messages import HumanMessage, ToolMessage
from langchain_openai import ChatOpenAI, OpenAIEmbeddings

from common import (BASE_URL, DENIED_KEY, DENIED_PROMPT, EMBEDDING_MODEL, KEY, MODELS, OPENAI_TOOL, QUESTION,
                    TOOL_OUTPUT, Counter, check, emit)


def llm(model, **kw):
    return ChatOpenAI(model=model, base_url=f"{BASE_URL}/v1", api_key=kw.pop("api_key", KEY), **kw)


def chat(model):
    text = llm(model).invoke("Hi").content
    check(isinstance(text, str) and "Hi" in text, f"answer {text!r}")
    return {"text": text}


def stream(model):
    parts = [c.content for c in llm(model).stream("Hi") if c.content]
    text = "".join(parts)
    check("Hi" in text, f"streamed {text!r}")
    return {"text": text, "chunks": len(parts)}


def tools(model):
    bound = llm(model).bind_tools([OPENAI_TOOL])
    messages = [HumanMessage(QUESTION)]
    first = bound.invoke(messages)
    check(len(first.tool_calls) == 1 and first.tool_calls[0]["args"] == {"city": "Paris"}, f"tool calls {first.tool_calls!r}")
    messages += [first, ToolMessage(TOOL_OUTPUT, tool_call_id=first.tool_calls[0]["id"])]
    text = bound.invoke(messages).content
    check("Sunny" in text, f"final {text!r}")
    return {"text": text}


def embeddings(model):
    # Without the context-length check the client sends text rather than token ids it would need
    # a tokenizer download for.
    emb = OpenAIEmbeddings(model=model, base_url=f"{BASE_URL}/v1", api_key=KEY, check_embedding_ctx_length=False)
    vectors = emb.embed_documents(["one", "two"])
    check(len(vectors) == 2 and len(vectors[0]) > 0, "two vectors")
    return {"vectors": len(vectors), "dims": len(vectors[0])}


def denied(model):
    counter = Counter()
    refused = llm(model, api_key=DENIED_KEY, http_client=httpx.Client(event_hooks={"request": [counter.hook]}))
    try:
        refused.invoke(DENIED_PROMPT)
    except openai.PermissionDeniedError as err:
        return {"status": err.status_code, "requests": counter.n}
    raise AssertionError("the request was not refused")


for m in MODELS:
    emit("chat", m, lambda: chat(m))
    emit("stream", m, lambda: stream(m))
    emit("tools", m, lambda: tools(m))
    emit("denied", m, lambda: denied(m))
emit("embeddings", EMBEDDING_MODEL, lambda: embeddings(EMBEDDING_MODEL))
