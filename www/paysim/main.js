// The demo's simulated payment gateway (/paysim/). nginx serves it, and routes /api/paysim/ to
// its program, only when the portal is configured with payment_provider = simulator
// (scripts/stack.sh's demo); a production installation answers 404 here.
import { createApp } from 'vue'
import { configureApi } from '../common/api.js'
import { installElement } from '../common/element.js'
import PayGate from './PayGate.vue'
import '../common/style.css'

configureApi({ role: 'paysim' })
const app = createApp(PayGate)
installElement(app)
app.mount('#app')
