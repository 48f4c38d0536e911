document.addEventListener('click',function(e){var a=e.target.closest('a[data-target]');if(!a)return;
var id=a.getAttribute('data-target');var els=document.querySelectorAll('[data-s~="'+id+'"]');
els.forEach(function(el){el.classList.remove('flash');void el.offsetWidth;el.classList.add('flash');});
if(els.length){e.preventDefault();els[0].scrollIntoView({behavior:'smooth',block:'center'});history.replaceState(null,'','#'+id);}});
