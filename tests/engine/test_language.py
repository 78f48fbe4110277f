"""Language: told apart for messages long enough, never at English's expense."""

from __future__ import annotations

import pytest

from app.engine.language import language_of


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("¿Dónde está mi pedido? Llevo dos semanas esperando.", "es"),
        ("Je veux parler à un responsable tout de suite, s'il vous plaît.", "fr"),
        ("Mein Paket ist nicht angekommen und niemand antwortet mir.", "de"),
        ("A minha encomenda ainda não chegou e ninguém responde.", "pt"),
        ("Мой заказ не пришёл уже две недели, никто не отвечает.", "ru"),
        ("我的包裹还没有到已经等了两个星期了", "zh"),
        # Read as German before Swedish was told apart (panel round 13).
        ("Jag flyttar den 1 september och vill byta adress för hemförsäkringen.", "sv"),
        ("Min pakke er ikke kommet frem, og ingen svarer på mine beskeder.", "da"),
    ],
)
def test_other_languages_are_named_and_not_supported(text: str, code: str) -> None:
    found = language_of(text)
    assert found.code == code
    assert found.supported is False


@pytest.mark.parametrize(
    "text",
    [
        "I want to speak to your manager, this is the third time I'm writing!",
        "This is a garbage response from you",  # English the detector alone misreads
        "WHERE THE HELL IS THE NEW EPISODE",
        "@AmazonHelp my order never arrived and nobody replies",
    ],
)
def test_english_is_english(text: str) -> None:
    found = language_of(text)
    assert found.code == "en" and found.supported


@pytest.mark.parametrize("text", ["ok thanks", "lol", "merci!", "", "12345 678"])
def test_too_short_to_tell_is_read_as_supported(text: str) -> None:
    found = language_of(text)
    assert found.code is None and found.supported


def test_words_other_languages_share_with_english_do_not_make_a_long_message_english() -> None:
    portuguese = (
        "Vi no extrato do meu cartão uma cobrança de 47,90 € da Aprendix no dia 3 de outubro. "
        "Fiz o curso gratuito de Excel em setembro e não me lembro de ter escolhido nenhum "
        "plano pago. Será que o período experimental passou automaticamente a assinatura do "
        "serviço? Não percebo o que aconteceu."
    )
    assert language_of(portuguese).code == "pt"
