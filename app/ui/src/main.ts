// Entry point: Vue 3 with the Vant mobile component kit, zh-CN locale.
import { createApp } from 'vue'
import Vant, { Locale } from 'vant'
import zhCN from 'vant/es/locale/lang/zh-CN'
import 'vant/lib/index.css'
import './style.css'
import App from './App.vue'

Locale.use('zh-CN', zhCN)
createApp(App).use(Vant).mount('#app')
