"""The comparison page of a stored request: the engine in ``marketplace.compare`` fed from the
database, with the table, the explanation chart, weight sliders, CSV and a print view."""
