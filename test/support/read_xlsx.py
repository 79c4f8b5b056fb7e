"""Reads an .xlsx with Python's standard library only (zipfile + ElementTree), independently of the
exceljs writer the server uses, and prints what a spreadsheet program would show as JSON:
each sheet's name, its frozen rows, its column widths and its cells (value, type, number format).
Usage: python3 read_xlsx.py FILE.xlsx"""
import json
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {
    'm': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
    'r': 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
    'rel': 'http://schemas.openxmlformats.org/package/2006/relationships',
}
BUILTIN_FORMATS = {0: 'General', 1: '0', 2: '0.00', 3: '#,##0', 4: '#,##0.00', 14: 'mm-dd-yy', 22: 'm/d/yy h:mm'}


def column_index(ref):
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + (ord(ch.upper()) - 64)
    return n - 1


def main(path):
    z = zipfile.ZipFile(path)
    shared = []
    if 'xl/sharedStrings.xml' in z.namelist():
        for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', NS):
            shared.append(''.join(t.text or '' for t in si.iter('{%s}t' % NS['m'])))
    styles = ET.fromstring(z.read('xl/styles.xml'))
    custom = {int(f.get('numFmtId')): f.get('formatCode') for f in styles.findall('m:numFmts/m:numFmt', NS)}
    xf_formats = []
    for xf in styles.findall('m:cellXfs/m:xf', NS):
        fid = int(xf.get('numFmtId', '0'))
        xf_formats.append(custom.get(fid, BUILTIN_FORMATS.get(fid, str(fid))))
    rels = {r.get('Id'): r.get('Target') for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels')).findall('rel:Relationship', NS)}
    out = []
    for sheet in ET.fromstring(z.read('xl/workbook.xml')).findall('m:sheets/m:sheet', NS):
        target = rels[sheet.get('{%s}id' % NS['r'])].lstrip('/')
        xml = ET.fromstring(z.read(target if target.startswith('xl/') else 'xl/' + target))
        pane = xml.find('m:sheetViews/m:sheetView/m:pane', NS)
        # A <col> may span several columns (min..max) of one width.
        widths = [float(c.get('width')) for c in xml.findall('m:cols/m:col', NS) for _ in range(int(c.get('min')), int(c.get('max')) + 1)]
        rows = []
        for row in xml.findall('m:sheetData/m:row', NS):
            cells = []
            for c in row.findall('m:c', NS):
                i = column_index(c.get('r'))
                while len(cells) < i:
                    cells.append(None)
                t = c.get('t', 'n')
                v = c.find('m:v', NS)
                if t == 's':
                    value = shared[int(v.text)]
                elif t == 'inlineStr':
                    value = ''.join(x.text or '' for x in c.iter('{%s}t' % NS['m']))
                elif t == 'str':
                    value = v.text if v is not None else ''
                else:
                    value = float(v.text) if v is not None else None
                cells.append({'v': value, 't': 'text' if t in ('s', 'inlineStr', 'str') else 'number', 'fmt': xf_formats[int(c.get('s', '0'))]})
            rows.append(cells)
        out.append({
            'name': sheet.get('name'),
            'frozenRows': int(float(pane.get('ySplit'))) if pane is not None and pane.get('state') == 'frozen' else 0,
            'widths': widths,
            'rows': rows,
        })
    json.dump(out, sys.stdout, ensure_ascii=False)


main(sys.argv[1])
