import { useEffect, useRef, useState } from 'react';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import workerURL from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { Spinner } from './ui';

const firstPages = 5;

/** PdfPreview renders a PDF's pages to canvases with pdf.js, a few at a
 * time, so a 200-page deck does not freeze the page. */
export function PdfPreview({ data, title }: { data: Blob; title: string }) {
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState(firstPages);

  useEffect(() => {
    const gone = new AbortController();
    let loaded: PDFDocumentProxy | null = null;
    void (async () => {
      try {
        const pdfjs = await import('pdfjs-dist');
        pdfjs.GlobalWorkerOptions.workerSrc = workerURL;
        const buf = new Uint8Array(await data.arrayBuffer());
        // Scripts inside PDFs never run; fonts come from the document.
        loaded = await pdfjs.getDocument({ data: buf, isEvalSupported: false }).promise;
        if (gone.signal.aborted) void loaded.destroy();
        else setDoc(loaded);
      } catch (err) {
        if (!gone.signal.aborted) setError(err instanceof Error ? err.message : String(err));
      }
    })();
    return () => {
      gone.abort();
      void loaded?.destroy();
    };
  }, [data]);

  if (error) return <div className="alert warn">This PDF could not be shown here ({error}). Download it instead.</div>;
  if (!doc) return <div className="preview"><Spinner label="Rendering preview" /></div>;
  const pages = Array.from({ length: Math.min(shown, doc.numPages) }, (_, i) => i + 1);
  return (
    // A scrolling region is focusable so the keyboard can scroll it too.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
    <div className="preview" role="region" aria-label={`Preview of ${title}`} tabIndex={0}>
      {pages.map((n) => (
        <PdfPage key={n} doc={doc} number={n} total={doc.numPages} />
      ))}
      {shown < doc.numPages && (
        <button className="btn small" onClick={() => setShown((s) => s + 10)}>
          Show more pages ({doc.numPages - shown} left)
        </button>
      )}
    </div>
  );
}

function PdfPage({ doc, number, total }: { doc: PDFDocumentProxy; number: number; total: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let task: { cancel: () => void; promise: Promise<void> } | null = null;
    const gone = new AbortController();
    const fail = () => {
      if (!gone.signal.aborted) setFailed(true);
    };
    doc.getPage(number).then((page) => {
      const canvas = ref.current;
      if (gone.signal.aborted || !canvas) return;
      const base = page.getViewport({ scale: 1 });
      const scale = Math.min(2, (900 / base.width) * (window.devicePixelRatio || 1));
      const vp = page.getViewport({ scale });
      canvas.width = vp.width;
      canvas.height = vp.height;
      canvas.style.width = `${Math.min(900, base.width * (900 / base.width))}px`;
      task = page.render({ canvas, viewport: vp });
      // A cancelled render rejects too, after the page has gone.
      task.promise.catch(fail);
    }, fail);
    return () => {
      gone.abort();
      task?.cancel();
    };
  }, [doc, number]);
  return (
    <>
      <canvas ref={ref} role="img" aria-label={`Page ${number} of ${total}`} data-page={number} />
      <span className="page-label">{number} / {total}{failed && ' (this page could not be shown)'}</span>
    </>
  );
}
