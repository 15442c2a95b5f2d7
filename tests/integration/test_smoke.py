def test_home_page_renders_with_empty_directory(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"The directory is empty" in response.data
