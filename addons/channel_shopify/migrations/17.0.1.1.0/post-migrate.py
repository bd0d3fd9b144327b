"""17.0.1.1.0: bulk reads add the product and order bulk poll topics; the
flows of existing stores list them too, so the catalog counts their events.

Done by 17.0.1.3.0's migration, after it renames the topics to the current
grammar (the flows' topic lists must name topics of the table)."""


def migrate(cr, version):
    return
