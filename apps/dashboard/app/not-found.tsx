import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="signin">
      <section className="card" style={{ padding: 22 }}>
        <h1>Not found</h1>
        <p className="muted">Nothing lives at this address, or it was removed.</p>
        <Link className="btn" href="/incidents">
          Back to incidents
        </Link>
      </section>
    </main>
  );
}
