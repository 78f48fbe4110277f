import pytest

from app.replies.trouble import loss_told_in, trouble_told


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mi tren fue cancelado y quiero que me devuelvan el dinero.", "es"),
        ("Ma carte a été débitée deux fois.", "fr"),
        ("Seit drei Tagen ohne Strom, und niemand meldet sich.", "de"),
        ("Três dias sem rede móvel, ainda não resolveram.", "pt"),
        ("O app está fora do ar desde as 8h e o site não carrega.", "pt"),
        ("La web está caída y la app no carga.", "es"),
        ("Il pacco non è ancora arrivato.", "it"),
        ("Mijn pakket is nog steeds niet aangekomen.", "nl"),
        ("Paczka nadal nie dotarła.", "pl"),
        ("Jag har fortfarande inte fått mina pengar tillbaka.", "sv"),
        # Damage, a failed delivery, a late train told without "problem" (rounds 61 to 109).
        ("Le livreur est reparti sans sonner, carton éventré.", "fr"),
        ("Er is niet aangebeld en het pakket is doorweekt.", "nl"),
        ("Tåget var 94 minuter försenat.", "sv"),
        ("Apareceram duas cobranças da assinatura no meu cartão.", "pt"),
        ("Kolejny raz kurier nie zadzwonił.", "pl"),
    ],
)
def test_words_of_trouble_are_read_in_each_language(text: str, language: str) -> None:
    assert trouble_told(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("¿Puedo cambiar la fecha de entrega al viernes? Sin problema si no.", "es"),
        ("Est-ce que je peux changer mon adresse de livraison ?", "fr"),
        ("Kein Problem, ich wollte nur fragen, ob ich den Tarif wechseln kann.", "de"),
        ("Vorrei spostare l'appuntamento da 320 a un altro giorno.", "it"),
        # A double room is no double charge (panel round 76).
        ("Vi skulle vilja flytta bokningen, samma dubbelrum med havsutsikt.", "sv"),
    ],
)
def test_a_calm_question_tells_of_no_trouble(text: str, language: str) -> None:
    assert not trouble_told(text, language)


def test_a_language_without_words_of_its_own_tells_of_none() -> None:
    # Japanese has no word list: no apology is guessed for it.
    assert not trouble_told("荷物がまだ届きません。", "ja")
    assert not trouble_told(None, "es")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mein Vater ist am 28. Oktober gestorben.", "de"),
        ("W piątek jest pogrzeb w rodzinie.", "pl"),  # a funeral (panel round 75)
        ("Mi madre falleció en marzo.", "es"),
    ],
)
def test_a_death_is_read_in_each_language(text: str, language: str) -> None:
    assert loss_told_in(text, language)
    assert not loss_told_in("Kann ich den Termin verschieben?", "de")
    assert not loss_told_in(text, "ja")


def test_a_typo_owned_is_no_trouble_but_an_error_shown_is() -> None:
    card = "Escrevi a mensagem do cartão com um erro, posso mudar? Obrigada!"
    assert not trouble_told(card, "pt")
    assert trouble_told("O app deu erro ao pagar o boleto.", "pt")
