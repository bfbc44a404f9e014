// An app built with slotwise/react, as a site would write one: a header slot on every route, a
// home page with flows, placements, an offer and a JSON flow it renders itself, and a product page
// whose placement's context follows the route. React state changes around and inside the slots
// all the time (a counter above them, a fallback that ticks), which must never disturb them.
import { StrictMode, useEffect, useState, type ReactNode } from 'react';
import { Link, Outlet, Route, Routes, useLocation, useParams } from 'react-router';
import { Slot, SlotwiseProvider, slotAttributes, useDecision, usePage } from 'slotwise/react';
import type { AppConfig } from './config';

interface HomeData {
  headline: string;
  items: string[];
}

interface Deal {
  headline: string;
  href: string;
}

/** A fallback that re-renders itself every frame or so while it is shown. */
function Ticking({ name }: { name: string }) {
  const [ticks, setTicks] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => {
      setTicks((n) => n + 1);
    }, 15);
    return () => {
      clearInterval(timer);
    };
  }, []);
  return (
    <p>
      FALLBACK {name} <span className="ticks">{ticks % 7}</span>
      {ticks % 2 ? <em>odd</em> : null}
    </p>
  );
}

function Layout() {
  const location = useLocation();
  usePage(location.pathname + location.search);
  const [count, setCount] = useState(0);
  return (
    <div className={`layout count-${count}`}>
      <header>
        <nav>
          <Link to="/">Home</Link> <Link to="/product/A">Product A</Link> <Link to="/product/B">Product B</Link>
        </nav>
        <button
          type="button"
          id="count"
          onClick={() => {
            setCount((n) => n + 1);
          }}
        >
          Count {count}
        </button>
        {count % 2 ? <span id="odd">odd</span> : null}
        <Slot
          id="header"
          flow="header_banner"
          className={`slot count-${count}`}
          fallback={<p>FALLBACK header {count}</p>}
        />
      </header>
      <main>
        <Outlet context={count} />
      </main>
    </div>
  );
}

function Home({ mismatch }: { mismatch: boolean }) {
  const [more, setMore] = useState(false);
  const [ref, result] = useDecision<HomeData>();
  return (
    <>
      <h1>Home</h1>
      {mismatch ? <p>{typeof window == 'undefined' ? 'server' : 'browser'}</p> : null}
      <button
        type="button"
        id="more"
        onClick={() => {
          setMore((m) => !m);
        }}
      >
        More
      </button>
      {/* A new, equal context object on every render: the attribute must not change. */}
      <Slot
        id="hero"
        flow="home_hero"
        size="600x40"
        context={{ page: 'home', tags: ['a', 'b'] }}
        fallback={
          <>
            <Ticking name="hero" />
            {more ? <p>FALLBACK more</p> : null}
          </>
        }
      />
      <Slot id="p1" placement="home_page.p1" fallback={<Ticking name="p1" />} />
      <Slot id="p2" placement="home_page.p2" fallback={<p>FALLBACK p2 {more ? 'more' : 'less'}</p>} />
      <Slot<Deal>
        id="deal"
        offer="xcore:offer-placement:deal"
        activity="xcore:offer-activity:deal"
        fallback={<p>FALLBACK deal</p>}
        renderData={(deal) => (
          <p>
            <Link to={deal.href}>{deal.headline}</Link>
          </p>
        )}
      />
      <Slot id="empty" flow="home_empty" fallback={<p>Nothing personal yet</p>} />
      <section id="data" ref={ref} {...slotAttributes({ flow: 'home_data' })}>
        {result?.data ? (
          <>
            <h2>{result.data.headline}</h2>
            <ul>
              {result.data.items.map((item) => (
                <li key={item}>{item}</li>
              ))}
            </ul>
          </>
        ) : (
          <p>FALLBACK data</p>
        )}
      </section>
    </>
  );
}

function Product() {
  const { id = '' } = useParams();
  // A choice on the page that changes the placement's context, not the URL.
  const [largeFor, setLargeFor] = useState<string>();
  const large = largeFor === id;
  return (
    <>
      <h1>Product {id}</h1>
      <button
        type="button"
        id="large"
        onClick={() => {
          setLargeFor(id);
        }}
      >
        Large
      </button>
      <Slot
        id="recs"
        placement="item_page.recs"
        context={{ productId: id, ...(large ? { categoryId: 'large' } : {}) }}
        fallback={<p>FALLBACK recs for {id}</p>}
      />
    </>
  );
}

/** The app inside a router (BrowserRouter in the browser, StaticRouter on the server). */
export function App({ config, router }: { config: AppConfig; router: (routes: ReactNode) => ReactNode }) {
  const app = (
    <SlotwiseProvider options={config.tag}>
      {router(
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<Home mismatch={!!config.mismatch} />} />
            <Route path="product/:id" element={<Product />} />
          </Route>
        </Routes>,
      )}
    </SlotwiseProvider>
  );
  return config.strict ? <StrictMode>{app}</StrictMode> : app;
}
