"""Measure every chart the way a browser draws it: all SVGs of a folder are
inlined in one HTML page, headless Chromium lays them out with its real
fonts, and a script in the page measures each <text>'s box
(getBoundingClientRect, so rotated titles count as drawn). A chart fails
if a text leaves its SVG's canvas (clipped) or two texts overlap by more
than a hair. Prints TAP; usage: bbox_check.py CHROMIUM SVG_DIR WORK_DIR."""
import html
import os
import re
import subprocess
import sys

SCRIPT = r"""
<script>
window.addEventListener('load', function () {
  const out = [];
  const slack = 1.0; // px: anti-aliasing and hinting, not overlap
  document.querySelectorAll('div.chart').forEach(function (div) {
    const svg = div.querySelector('svg');
    const name = div.dataset.name;
    const frame = svg.getBoundingClientRect();
    const boxes = [];
    const problems = [];
    svg.querySelectorAll('text').forEach(function (t, i) {
      const r = t.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) return;
      const label = (t.lastChild && t.lastChild.nodeType === 3 ?
                     t.lastChild.nodeValue : t.textContent).slice(0, 40);
      if (r.left < frame.left - slack || r.right > frame.right + slack ||
          r.top < frame.top - slack || r.bottom > frame.bottom + slack)
        problems.push('clipped: "' + label + '" [' + Math.round(r.left - frame.left) +
                      ',' + Math.round(r.right - frame.left) + '] of ' +
                      Math.round(frame.width));
      // ink height: a line box is taller than the glyphs it holds
      const fs = parseFloat(getComputedStyle(t).fontSize);
      const rot = t.hasAttribute('transform');
      const cy = (r.top + r.bottom) / 2, cx = (r.left + r.right) / 2;
      const b = rot ? {x0: cx - 0.35 * fs, x1: cx + 0.35 * fs, y0: r.top, y1: r.bottom}
                    : {x0: r.left, x1: r.right, y0: cy - 0.35 * fs, y1: cy + 0.35 * fs};
      b.label = label;
      boxes.push(b);
    });
    for (let i = 0; i < boxes.length; i++)
      for (let k = i + 1; k < boxes.length; k++) {
        const a = boxes[i], b = boxes[k];
        if (a.x0 < b.x1 - slack && b.x0 < a.x1 - slack &&
            a.y0 < b.y1 - slack && b.y0 < a.y1 - slack)
          problems.push('overlap: "' + a.label + '" and "' + b.label + '"');
      }
    out.push(name + '\t' + boxes.length + '\t' + problems.slice(0, 3).join(' | '));
  });
  const pre = document.createElement('pre');
  pre.id = 'result';
  pre.textContent = '\n' + out.join('\n') + '\n';
  document.body.appendChild(pre);
});
</script>
"""


def main():
    chromium, svg_dir, work = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    names = sorted(f for f in os.listdir(svg_dir) if f.endswith('.svg'))
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>']
    for name in names:
        with open(os.path.join(svg_dir, name), encoding='utf-8') as f:
            svg = f.read()
        svg = re.sub(r'^<\?xml[^>]*\?>\s*', '', svg)
        parts.append('<div class="chart" data-name="%s">%s</div>'
                     % (html.escape(name), svg))
    parts.append(SCRIPT + '</body></html>')
    page = os.path.join(work, 'charts.html')
    with open(page, 'w', encoding='utf-8') as f:
        f.write('\n'.join(parts))
    proc = subprocess.run(
        [chromium, '--headless', '--no-sandbox', '--disable-gpu',
         '--no-first-run', '--user-data-dir=' + os.path.join(work, 'profile'),
         '--virtual-time-budget=60000', '--dump-dom', 'file://' + page],
        capture_output=True, text=True, timeout=300)
    m = re.search(r'<pre id="result">(.*?)</pre>', proc.stdout, re.S)
    if not m:
        print('not ok 1 - chromium measured the charts')
        for line in proc.stderr.splitlines()[-5:]:
            print('# ' + line)
        print('1..1')
        return 1
    n = failed = 0
    seen = set()
    for line in html.unescape(m.group(1)).strip().split('\n'):
        name, count, problems = (line.split('\t') + ['', ''])[:3]
        seen.add(name)
        n += 1
        if problems:
            failed += 1
            print('not ok %d - %s: %s texts, none clipped or overlapping # %s'
                  % (n, name, count, problems))
        else:
            print('ok %d - %s: %s texts, none clipped or overlapping'
                  % (n, name, count))
    for name in names:
        if name not in seen:
            n += 1
            failed += 1
            print('not ok %d - %s was measured' % (n, name))
    print('1..%d' % n)
    return 1 if failed else 0


sys.exit(main())
