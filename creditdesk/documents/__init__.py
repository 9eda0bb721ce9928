"""PDF documents (ReportLab platypus) made from the plain data objects in ``model``.

Entry points: ``invoice.render_invoice``, ``statement.render_statement``,
``letter.render_letter``, ``aged_debtors.render_aged_debtors`` and
``combine.combine_pdfs``. The shared page (letterhead, footer, page count) is in
``layout``, where things sit on the paper in ``geometry``.
"""
