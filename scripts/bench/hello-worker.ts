// The startup baseline: a hello-world Hono Worker, built and profiled beside the site by `npm run check`.
import { Hono } from 'hono'

const app = new Hono()

app.get('/', (c) => c.text('Hello Hono!'))

export default app
