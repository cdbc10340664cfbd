from django.test import Client


def test_switching_to_english_and_back(indonesian, db):
    client = Client()
    response = client.post("/bahasa/", {"language": "en", "next": "/akun/masuk/"})
    assert response.status_code == 302
    english = client.get("/akun/masuk/").content.decode()
    assert '<html lang="en">' in english
    assert "Log in" in english
    client.post("/bahasa/", {"language": "id", "next": "/akun/masuk/"})
    indonesian = client.get("/akun/masuk/").content.decode()
    assert '<html lang="id">' in indonesian
    assert "Masuk" in indonesian


def test_the_switch_refuses_an_unknown_language_and_a_foreign_redirect(indonesian, db):
    client = Client()
    response = client.post("/bahasa/", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.url == "/"
    assert '<html lang="id">' in client.get("/akun/masuk/").content.decode()


def test_the_browser_language_does_not_override_the_indonesian_default(indonesian, db):
    response = Client().get("/akun/masuk/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="id">' in response.content.decode()
