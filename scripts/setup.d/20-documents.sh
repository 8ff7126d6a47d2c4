#!/usr/bin/env bash
# Documents: LibreOffice Writer headless (Debian, no GUI) converts DOCX to PDF in a child process.
# poppler-utils (pdftotext/pdftoppm/pdfinfo), tesseract-ocr(-eng) and qpdf come from scripts/setup.sh.
# tesseract.js + @tesseract.js-data/eng (the everywhere-fallback OCR engine) come from npm.
set -euo pipefail
need=()
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
# fonts so generated/converted documents render the same everywhere
dpkg-query -W -f='${Status}' fonts-dejavu-core 2>/dev/null | grep -q "install ok installed" || need+=(fonts-dejavu-core)
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian packages for documents: ${need[*]}"
    apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
      || die "apt-get could not install ${need[*]}; run: sudo apt-get install -y ${need[*]}"
  else
    say "WARNING: DOCX input needs LibreOffice. Run: sudo apt-get install -y ${need[*]}"
  fi
fi
for t in pdftotext pdftoppm pdfinfo tesseract qpdf; do
  command -v "$t" >/dev/null || die "missing $t (poppler-utils / tesseract-ocr / qpdf): run scripts/setup.sh as root"
done
