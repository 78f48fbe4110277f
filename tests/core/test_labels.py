"""The vocabulary: each label set declared once, and the sets that must agree do."""

from app.core.labels import (
    CAUSE_TAGS,
    MESSAGE_TRIGGER_TYPES,
    ROOT_CAUSES,
    TRIGGER_TYPES,
)
from app.model.head_specs import HEAD_LABELS, MULTILABEL_HEADS


def test_every_root_cause_the_model_names_is_a_cause_a_bank_entry_can_fit() -> None:
    assert set(ROOT_CAUSES) - {"other"} <= set(CAUSE_TAGS)


def test_the_trigger_head_reads_every_message_trigger_and_no_conversation_one() -> None:
    assert HEAD_LABELS["triggers"] == MESSAGE_TRIGGER_TYPES
    assert set(TRIGGER_TYPES) - set(MESSAGE_TRIGGER_TYPES) == {"worsening_sentiment"}
    assert {"triggers", "requests"} <= MULTILABEL_HEADS
    assert "intensity" not in MULTILABEL_HEADS  # one level per message, a softmax
