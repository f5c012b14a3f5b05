"""Print: HTML to PDF with WeasyPrint, then the PDF work that comes after layout, with pikepdf."""
