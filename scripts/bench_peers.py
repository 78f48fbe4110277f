"""What people would otherwise run, served the plain way, for the benchmark to compare with.

    BENCH_PEER=pipeline uvicorn --factory scripts.bench_peers:create_app
    BENCH_PEER=vader    uvicorn --factory scripts.bench_peers:create_app

"pipeline": a `transformers` text-classification pipeline in fp32 torch over the same
MiniLM-L6 encoder, one request at a time (a lock), as a quick FastAPI wrapper would serve
it. Its 3-way classification layer is untrained: only its speed is compared, and it does
the same encoder work per message as the service. "vader": VADER's lexicon scores.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Callable

from fastapi import FastAPI
from pydantic import BaseModel


class Message(BaseModel):
    text: str


def pipeline_scorer() -> Callable[[str], object]:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline
    from transformers.utils import logging as hf_logging

    from app.model.encoder import default_encoder_dir

    hf_logging.set_verbosity_error()  # "newly initialized classifier": expected, see above
    path = str(default_encoder_dir())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = AutoModelForSequenceClassification.from_pretrained(
            path, num_labels=3, local_files_only=True
        )
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    classify = pipeline("text-classification", model=model, tokenizer=tokenizer, device="cpu")
    return lambda text: classify(text, truncation=True, max_length=512)


def vader_scorer() -> Callable[[str], object]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer().polarity_scores


SCORERS = {"pipeline": pipeline_scorer, "vader": vader_scorer}


def create_app() -> FastAPI:
    score = SCORERS[os.environ.get("BENCH_PEER", "pipeline")]()
    lock = threading.Lock()
    app = FastAPI()

    @app.post("/score")
    def score_message(message: Message) -> dict:
        with lock:  # one request at a time, as the model object is not made for sharing
            return {"result": repr(score(message.text))}

    @app.get("/readyz")
    def ready() -> dict:
        return {"status": "ok"}

    return app
