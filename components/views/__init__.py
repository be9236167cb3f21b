"""Views: the widgets of each page area, drawn with streamlit from the runtime's state and calls, the figures and
the pure logic. The top layer: nothing in ``components`` imports a view except another view
(``tests/test_project.py``); ``pages/`` import them."""
